#!/usr/bin/python3
"""Golden reference trajectories of torch.optim.SGD for PyTorchSgdGoldenTest.

Run from the repository root with the system interpreter (Debian's python3-torch):

    /usr/bin/python3 core/src/test/python/make_sgd_golden.py

It writes core/src/test/resources/golden/sgd.json. Everything is float64 and deterministic: the random
gradients come from a seeded splitmix64 generator written out below (no torch/numpy RNG), and are stored in
the JSON so the Java test reads exactly the same numbers.

Cases: each SGD configuration below, on
  (a) "random": a 6-parameter vector; at step t, p.grad = g_t (stored), then opt.step();
  (b) "rosenbrock": f(x, y) = (1 - x)^2 + 100 (y - x^2)^2 from (-1.5, 2.0), gradient by autograd.
"trajectory[k]" is the parameter vector after step k + 1.
"""
import json
import os
import platform
import sys

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden", "sgd.json")

RANDOM_STEPS = 150
RANDOM_DIM = 6
RANDOM_LR = 0.05
ROSENBROCK_STEPS = 200
ROSENBROCK_LR = 5e-4
ROSENBROCK_START = [-1.5, 2.0]
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


def make_opt(p, lr, momentum, dampening, nesterov, wd):
    return torch.optim.SGD([p], lr=lr, momentum=momentum, dampening=dampening, nesterov=nesterov,
                           weight_decay=wd, foreach=False)


def run_random(cfg, init, grads):
    name, momentum, dampening, nesterov, wd = cfg
    p = torch.tensor(init, dtype=torch.float64, requires_grad=True)
    opt = make_opt(p, RANDOM_LR, momentum, dampening, nesterov, wd)
    traj = []
    for g in grads:
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        traj.append(p.detach().tolist())
    return {
        "name": "random/" + name, "problem": "random",
        "lr": RANDOM_LR, "momentum": momentum, "dampening": dampening, "nesterov": nesterov,
        "weight_decay": wd, "steps": len(grads), "initial": list(init), "gradients": grads,
        "trajectory": traj,
    }


def rosenbrock(p):
    x, y = p[0], p[1]
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


def run_rosenbrock(cfg):
    name, momentum, dampening, nesterov, wd = cfg
    p = torch.tensor(ROSENBROCK_START, dtype=torch.float64, requires_grad=True)
    opt = make_opt(p, ROSENBROCK_LR, momentum, dampening, nesterov, wd)
    traj, losses = [], []
    for _ in range(ROSENBROCK_STEPS):
        opt.zero_grad(set_to_none=True)
        loss = rosenbrock(p)
        loss.backward()
        losses.append(loss.item())
        opt.step()
        traj.append(p.detach().tolist())
    final = rosenbrock(p.detach()).item()
    if not all(abs(v) < 10 for row in traj for v in row):
        raise SystemExit(f"rosenbrock/{name} left the box: {traj[-1]}")
    if not final < losses[0]:
        raise SystemExit(f"rosenbrock/{name} did not descend: {losses[0]} -> {final}")
    return {
        "name": "rosenbrock/" + name, "problem": "rosenbrock",
        "lr": ROSENBROCK_LR, "momentum": momentum, "dampening": dampening, "nesterov": nesterov,
        "weight_decay": wd, "steps": ROSENBROCK_STEPS, "initial": list(ROSENBROCK_START),
        "loss_before_step": losses, "final_loss": final, "trajectory": traj,
    }


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
        "generator": "core/src/test/python/make_sgd_golden.py",
        "torch_version": torch.__version__,
        "python_version": platform.python_version(),
        "dtype": "float64",
        "optimizer": "torch.optim.SGD(foreach=False, maximize=False)",
        "seed": SEED,
        "trajectory_note": "trajectory[k] = parameters after step k+1",
        "cases": cases,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write(dump(doc))
    print(f"wrote {os.path.normpath(OUT)}: {len(cases)} cases, torch {torch.__version__}", file=sys.stderr)
    for c in cases:
        print(f"  {c['name']:36s} steps={c['steps']} final={c['trajectory'][-1]}", file=sys.stderr)


if __name__ == "__main__":
    main()
