"""Code shared by the golden-file generators make_sgd_golden.py, make_adaptive_golden.py and
make_schedule_golden.py (see README.md beside them). Not run on its own.

- SplitMix64: the seeded generator behind every random number in the golden files (no torch/numpy RNG);
- the two optimizer problems of the SGD and adaptive files: "random" (stored gradients, random_problem and
  run_random_problem) and "rosenbrock" (autograd gradients, run_rosenbrock_problem);
- torch setup, the JSON header (metadata), the JSON writer (dump) and write_golden.
"""
import json
import os
import platform
import sys

import torch

GOLDEN_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden")

# "random": a RANDOM_DIM-parameter vector, RANDOM_STEPS steps with stored gradients.
RANDOM_STEPS = 150
RANDOM_DIM = 6
# "rosenbrock": f(x, y) = (1 - x)^2 + 100 (y - x^2)^2 from ROSENBROCK_START, ROSENBROCK_STEPS steps.
ROSENBROCK_STEPS = 200
ROSENBROCK_START = [-1.5, 2.0]

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

    def below(self, n):
        return self.next_u64() % n


def golden_path(file_name):
    """core/src/test/resources/golden/<file_name>, wherever the script is run from."""
    return os.path.join(GOLDEN_DIR, file_name)


def setup_torch():
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(0)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)


def random_problem(seed):
    """The initial point and the RANDOM_STEPS gradients of the "random" problem, from SplitMix64(seed)."""
    rng = SplitMix64(seed)
    init = [rng.uniform(-1.0, 1.0) for _ in range(RANDOM_DIM)]
    # Coordinates of different scales (0.01 .. 100) so relative errors are tested over magnitudes.
    scales = [1e-2, 1e-1, 1.0, 1.0, 10.0, 100.0]
    grads = [[scales[i] * rng.uniform(-1.0, 1.0) + 0.1 * scales[i] for i in range(RANDOM_DIM)]
             for _ in range(RANDOM_STEPS)]
    return init, grads


def run_random_problem(init, grads, make_opt):
    """From `init`, for each g_t: p.grad = g_t, opt.step(). Returns the trajectory (parameters after each step).
    make_opt(p) builds the optimizer."""
    p = torch.tensor(init, dtype=torch.float64, requires_grad=True)
    opt = make_opt(p)
    traj = []
    for g in grads:
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        traj.append(p.detach().tolist())
    return traj


def rosenbrock(p):
    x, y = p[0], p[1]
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


def run_rosenbrock_problem(name, make_opt):
    """ROSENBROCK_STEPS steps from ROSENBROCK_START with autograd gradients; make_opt(p) builds the optimizer.
    Returns (trajectory, loss before each step, final loss). Stops the script (naming the case `name`) unless
    the iterates stay in |x|, |y| < 10 and the loss decreases."""
    p = torch.tensor(ROSENBROCK_START, dtype=torch.float64, requires_grad=True)
    opt = make_opt(p)
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
        raise SystemExit(f"{name} left the box: {traj[-1]}")
    if not final < losses[0]:
        raise SystemExit(f"{name} did not descend: {losses[0]} -> {final}")
    return traj, losses, final


def metadata(generator):
    """The first keys of every golden file; the caller adds its own, then "cases"."""
    return {
        "generator": generator,
        "torch_version": torch.__version__,
        "python_version": platform.python_version(),
        "dtype": "float64",
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


def write_golden(out, doc):
    """Writes `doc` to the path `out` with dump() and reports it on stderr."""
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        f.write(dump(doc))
    print(f"wrote {os.path.normpath(out)}: {len(doc['cases'])} cases, torch {torch.__version__}", file=sys.stderr)
