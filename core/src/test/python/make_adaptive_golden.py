#!/usr/bin/python3
"""Golden reference trajectories of torch.optim.{Adagrad, RMSprop, Adam, AdamW} for PyTorchAdaptiveGoldenTest.

Run from the repository root with the system interpreter (Debian's python3-torch):

    /usr/bin/python3 core/src/test/python/make_adaptive_golden.py

It writes core/src/test/resources/golden/adaptive.json. Everything is float64 and deterministic: the random
gradients come from a seeded splitmix64 generator written out below (no torch/numpy RNG), and are stored in
the JSON so the Java test reads exactly the same numbers.

Cases: each configuration below, on
  (a) "random": a 6-parameter vector; at step t, p.grad = g_t (stored), then opt.step();
  (b) "rosenbrock": f(x, y) = (1 - x)^2 + 100 (y - x^2)^2 from (-1.5, 2.0), gradient by autograd.
"trajectory[k]" is the parameter vector after step k + 1. Each case stores its optimizer's full keyword
arguments ("options"), so the Java test needs no defaults of its own.
"""
import json
import os
import platform
import sys

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden", "adaptive.json")

RANDOM_STEPS = 150
RANDOM_DIM = 6
ROSENBROCK_STEPS = 200
ROSENBROCK_START = [-1.5, 2.0]
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

MASK64 = (1 << 64) - 1


class SplitMix64:
    """Steele, Lea & Flood's splitmix64; uniform() is exact in binary64 (53-bit multiple of 2^-53)."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def next_u64(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def uniform(self, lo, hi):
        return lo + (hi - lo) * ((self.next_u64() >> 11) * 2.0 ** -53)


def random_problem():
    rng = SplitMix64(SEED)
    init = [rng.uniform(-1.0, 1.0) for _ in range(RANDOM_DIM)]
    # Coordinates of different scales (0.01 .. 100) so relative errors are tested over magnitudes.
    scales = [1e-2, 1e-1, 1.0, 1.0, 10.0, 100.0]
    grads = [[scales[i] * rng.uniform(-1.0, 1.0) + 0.1 * scales[i] for i in range(RANDOM_DIM)]
             for _ in range(RANDOM_STEPS)]
    return init, grads


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
    p = torch.tensor(init, dtype=torch.float64, requires_grad=True)
    opt = make_opt(cfg, p, lr)
    traj = []
    for g in grads:
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        traj.append(p.detach().tolist())
    case = describe(cfg, "random", lr, len(grads), init)
    case.update(gradients=grads, trajectory=traj)
    return case


def rosenbrock(p):
    x, y = p[0], p[1]
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


def run_rosenbrock(cfg):
    lr = OPTIMIZERS[cfg[0]][2]
    p = torch.tensor(ROSENBROCK_START, dtype=torch.float64, requires_grad=True)
    opt = make_opt(cfg, p, lr)
    traj, losses = [], []
    for _ in range(ROSENBROCK_STEPS):
        opt.zero_grad(set_to_none=True)
        loss = rosenbrock(p)
        loss.backward()
        losses.append(loss.item())
        opt.step()
        traj.append(p.detach().tolist())
    final = rosenbrock(p.detach()).item()
    name = f"rosenbrock/{cfg[0]}/{cfg[1]}"
    if not all(abs(v) < 10 for row in traj for v in row):
        raise SystemExit(f"{name} left the box: {traj[-1]}")
    if not final < losses[0]:
        raise SystemExit(f"{name} did not descend: {losses[0]} -> {final}")
    case = describe(cfg, "rosenbrock", lr, ROSENBROCK_STEPS, ROSENBROCK_START)
    case.update(loss_before_step=losses, final_loss=final, trajectory=traj)
    return case


def dump(doc):
    """JSON with one number array per line (floats written by repr, which round-trips exactly)."""
    def enc(v, ind):
        pad = " " * ind
        if isinstance(v, dict):
            items = [f'{pad} {json.dumps(k)}: {enc(x, ind + 1).lstrip()}' for k, x in v.items()]
            return pad + "{\n" + ",\n".join(items) + "\n" + pad + "}"
        if isinstance(v, list) and v and isinstance(v[0], (list, dict)):
            return pad + "[\n" + ",\n".join(enc(x, ind + 1) for x in v) + "\n" + pad + "]"
        return pad + json.dumps(v, allow_nan=False)
    return enc(doc, 0) + "\n"


def main():
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(0)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    init, grads = random_problem()
    cases = [run_random(c, init, grads) for c in CONFIGS] + [run_rosenbrock(c) for c in CONFIGS]
    doc = {
        "generator": "core/src/test/python/make_adaptive_golden.py",
        "torch_version": torch.__version__,
        "python_version": platform.python_version(),
        "dtype": "float64",
        "optimizers": {k: f"torch.optim.{v[0].__name__}(foreach=False, maximize=False)"
                       for k, v in OPTIMIZERS.items()},
        "seed": SEED,
        "trajectory_note": "trajectory[k] = parameters after step k+1",
        "cases": cases,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write(dump(doc))
    print(f"wrote {os.path.normpath(OUT)}: {len(cases)} cases, torch {torch.__version__}", file=sys.stderr)
    for c in cases:
        extra = f" loss {c['loss_before_step'][0]:.4g} -> {c['final_loss']:.4g}" if "final_loss" in c else ""
        print(f"  {c['name']:44s} steps={c['steps']} final={c['trajectory'][-1]}{extra}", file=sys.stderr)


if __name__ == "__main__":
    main()
