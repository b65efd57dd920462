#!/usr/bin/python3
"""Golden reference trajectories of torch.optim.{Adagrad, RMSprop, Adam, AdamW} for PyTorchAdaptiveGoldenTest.

Run from the repository root with the system interpreter (Debian's python3-torch):

    /usr/bin/python3 core/src/test/python/make_adaptive_golden.py

It writes core/src/test/resources/golden/adaptive.json. Everything is float64 and deterministic: the random
gradients come from a seeded splitmix64 generator (golden_common.py, no torch/numpy RNG), and are stored in
the JSON so the Java test reads exactly the same numbers.

Cases: each configuration below, on
  (a) "random": a 6-parameter vector; at step t, p.grad = g_t (stored), then opt.step();
  (b) "rosenbrock": f(x, y) = (1 - x)^2 + 100 (y - x^2)^2 from (-1.5, 2.0), gradient by autograd.
"trajectory[k]" is the parameter vector after step k + 1. Each case stores its optimizer's full keyword
arguments ("options"), so the Java test needs no defaults of its own.
"""
import os
import sys

import torch

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_common import (ROSENBROCK_START, ROSENBROCK_STEPS, golden_path, metadata,  # noqa: E402
                           random_problem, run_random_problem, run_rosenbrock_problem, setup_torch,
                           write_golden)

OUT = golden_path("adaptive.json")

SEED = 20240612

# optimizer -> (torch class, lr on "random", lr on "rosenbrock", defaults of every option that changes the math)
OPTIMIZERS = {
    "adagrad": (torch.optim.Adagrad, 0.1, 0.1,
                dict(lr_decay=0.0, initial_accumulator_value=0.0, eps=1e-10, weight_decay=0.0)),
    "rmsprop": (torch.optim.RMSprop, 0.01, 1e-3,
                dict(alpha=0.99, eps=1e-8, centered=False, momentum=0.0, weight_decay=0.0)),
    "adam": (torch.optim.Adam, 0.01, 0.01,
             dict(betas=(0.9, 0.999), eps=1e-8, amsgrad=False, weight_decay=0.0)),
    "adamw": (torch.optim.AdamW, 0.01, 0.01,
              dict(betas=(0.9, 0.999), eps=1e-8, amsgrad=False, weight_decay=0.01)),
}

# optimizer, name, options that differ from the defaults above
CONFIGS = [
    ("adagrad", "plain", {}),
    ("adagrad", "lr_decay0.01", dict(lr_decay=0.01)),
    ("adagrad", "initial_accumulator0.1", dict(initial_accumulator_value=0.1)),
    ("adagrad", "wd0.01", dict(weight_decay=0.01)),
    ("adagrad", "eps1e-3", dict(eps=1e-3)),
    ("rmsprop", "plain", {}),
    ("rmsprop", "centered", dict(centered=True)),
    ("rmsprop", "momentum0.9", dict(momentum=0.9)),
    ("rmsprop", "centered_momentum0.9", dict(centered=True, momentum=0.9)),
    ("rmsprop", "wd0.01", dict(weight_decay=0.01)),
    ("adam", "plain", {}),
    ("adam", "amsgrad", dict(amsgrad=True)),
    ("adam", "wd0.01", dict(weight_decay=0.01)),
    ("adam", "betas0.8_0.99_eps1e-6", dict(betas=(0.8, 0.99), eps=1e-6)),
    ("adamw", "wd0.01", dict(weight_decay=0.01)),
    ("adamw", "wd0.1_amsgrad", dict(weight_decay=0.1, amsgrad=True)),
]

def options_of(cfg):
    opt, _, changed = cfg
    opts = dict(OPTIMIZERS[opt][3])
    unknown = set(changed) - set(opts)
    if unknown:
        raise SystemExit(f"unknown options {unknown}")
    opts.update(changed)
    return opts


def make_opt(cfg, p, lr):
    cls = OPTIMIZERS[cfg[0]][0]
    return cls([p], lr=lr, foreach=False, maximize=False, **options_of(cfg))


def describe(cfg, problem, lr, steps, initial):
    opts = options_of(cfg)
    return {
        "name": f"{problem}/{cfg[0]}/{cfg[1]}", "optimizer": cfg[0], "problem": problem, "lr": lr,
        "options": {k: (list(v) if isinstance(v, tuple) else v) for k, v in opts.items()},
        "steps": steps, "initial": list(initial),
    }


def run_random(cfg, init, grads):
    lr = OPTIMIZERS[cfg[0]][1]
    traj = run_random_problem(init, grads, lambda p: make_opt(cfg, p, lr))
    case = describe(cfg, "random", lr, len(grads), init)
    case.update(gradients=grads, trajectory=traj)
    return case


def run_rosenbrock(cfg):
    lr = OPTIMIZERS[cfg[0]][2]
    traj, losses, final = run_rosenbrock_problem(f"rosenbrock/{cfg[0]}/{cfg[1]}", lambda p: make_opt(cfg, p, lr))
    case = describe(cfg, "rosenbrock", lr, ROSENBROCK_STEPS, ROSENBROCK_START)
    case.update(loss_before_step=losses, final_loss=final, trajectory=traj)
    return case


def main():
    setup_torch()
    init, grads = random_problem(SEED)
    cases = [run_random(c, init, grads) for c in CONFIGS] + [run_rosenbrock(c) for c in CONFIGS]
    doc = metadata("core/src/test/python/make_adaptive_golden.py")
    doc.update({
        "optimizers": {k: f"torch.optim.{v[0].__name__}(foreach=False, maximize=False)"
                       for k, v in OPTIMIZERS.items()},
        "seed": SEED,
        "trajectory_note": "trajectory[k] = parameters after step k+1",
        "cases": cases,
    })
    write_golden(OUT, doc)
    for c in cases:
        extra = f" loss {c['loss_before_step'][0]:.4g} -> {c['final_loss']:.4g}" if "final_loss" in c else ""
        print(f"  {c['name']:44s} steps={c['steps']} final={c['trajectory'][-1]}{extra}", file=sys.stderr)


if __name__ == "__main__":
    main()
