#!/usr/bin/python3
"""Golden reference trajectories of torch.optim.SGD for PyTorchSgdGoldenTest.

Run from the repository root with the system interpreter (Debian's python3-torch):

    /usr/bin/python3 core/src/test/python/make_sgd_golden.py

It writes core/src/test/resources/golden/sgd.json. Everything is float64 and deterministic: the random
gradients come from a seeded splitmix64 generator (golden_common.py, no torch/numpy RNG), and are stored in
the JSON so the Java test reads exactly the same numbers.

Cases: each SGD configuration below, on
  (a) "random": a 6-parameter vector; at step t, p.grad = g_t (stored), then opt.step();
  (b) "rosenbrock": f(x, y) = (1 - x)^2 + 100 (y - x^2)^2 from (-1.5, 2.0), gradient by autograd.
"trajectory[k]" is the parameter vector after step k + 1.
"""
import os
import sys

import torch

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_common import (ROSENBROCK_START, ROSENBROCK_STEPS, golden_path, metadata,  # noqa: E402
                           random_problem, run_random_problem, run_rosenbrock_problem, setup_torch,
                           write_golden)

OUT = golden_path("sgd.json")

RANDOM_LR = 0.05
ROSENBROCK_LR = 5e-4
SEED = 20240611

# name, momentum, dampening, nesterov, weight_decay
CONFIGS = [
    ("plain", 0.0, 0.0, False, 0.0),
    ("momentum0.9", 0.9, 0.0, False, 0.0),
    ("momentum0.9_dampening0.5", 0.9, 0.5, False, 0.0),
    ("nesterov0.9", 0.9, 0.0, True, 0.0),
    ("wd0.01_momentum0.9", 0.9, 0.0, False, 0.01),
    ("wd0.01_plain", 0.0, 0.0, False, 0.01),
]


def make_opt(p, lr, momentum, dampening, nesterov, wd):
    return torch.optim.SGD([p], lr=lr, momentum=momentum, dampening=dampening, nesterov=nesterov,
                           weight_decay=wd, foreach=False)


def run_random(cfg, init, grads):
    name, momentum, dampening, nesterov, wd = cfg
    traj = run_random_problem(init, grads, lambda p: make_opt(p, RANDOM_LR, momentum, dampening, nesterov, wd))
    return {
        "name": "random/" + name, "problem": "random",
        "lr": RANDOM_LR, "momentum": momentum, "dampening": dampening, "nesterov": nesterov,
        "weight_decay": wd, "steps": len(grads), "initial": list(init), "gradients": grads,
        "trajectory": traj,
    }


def run_rosenbrock(cfg):
    name, momentum, dampening, nesterov, wd = cfg
    traj, losses, final = run_rosenbrock_problem(
        "rosenbrock/" + name, lambda p: make_opt(p, ROSENBROCK_LR, momentum, dampening, nesterov, wd))
    return {
        "name": "rosenbrock/" + name, "problem": "rosenbrock",
        "lr": ROSENBROCK_LR, "momentum": momentum, "dampening": dampening, "nesterov": nesterov,
        "weight_decay": wd, "steps": ROSENBROCK_STEPS, "initial": list(ROSENBROCK_START),
        "loss_before_step": losses, "final_loss": final, "trajectory": traj,
    }


def main():
    setup_torch()
    init, grads = random_problem(SEED)
    cases = [run_random(c, init, grads) for c in CONFIGS] + [run_rosenbrock(c) for c in CONFIGS]
    doc = metadata("core/src/test/python/make_sgd_golden.py")
    doc.update({
        "optimizer": "torch.optim.SGD(foreach=False, maximize=False)",
        "seed": SEED,
        "trajectory_note": "trajectory[k] = parameters after step k+1",
        "cases": cases,
    })
    write_golden(OUT, doc)
    for c in cases:
        print(f"  {c['name']:36s} steps={c['steps']} final={c['trajectory'][-1]}", file=sys.stderr)


if __name__ == "__main__":
    main()
