#!/usr/bin/python3
"""Golden learning rates of torch.optim.lr_scheduler for PyTorchScheduleGoldenTest.

Run from the repository root with the system interpreter (Debian's python3-torch):

    /usr/bin/python3 core/src/test/python/make_schedule_golden.py

It writes core/src/test/resources/golden/schedules.json. Everything is float64 and deterministic: the metric
sequences fed to ReduceLROnPlateau come from a seeded splitmix64 generator (golden_common.py, no torch/numpy
RNG), and are stored in the JSON so the Java test reads exactly the same numbers.

Step schedules: each case drives a torch.optim.SGD optimizer on one dummy parameter the way a training loop
does, `optimizer.step()` then `scheduler.step()`, and records `optimizer.param_groups[0]['lr']` at the moment
of each `optimizer.step()`: `lr[t]` is the rate used by the update with 0-based index t, i.e. what
`LearningRateSchedule.rate(t)` must return. The values are torch's own, from the scheduler's normal
`step()` (its recursive, "chainable" form where it has one), not from `_get_closed_form_lr`; the file records
how far the recursive form is from torch's closed form (`closed_form_max_rel_diff`).

ReduceLROnPlateau: `metrics[k]` is the k-th observation, `lr[k]` the rate after it (the one the next epoch
uses), and `best`, `num_bad_epochs`, `cooldown_counter` the scheduler's state after it.
"""
import math
import os
import sys
import warnings

import torch
from torch.optim import lr_scheduler as sched

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_common import SplitMix64, golden_path, metadata, setup_torch, write_golden  # noqa: E402

OUT = golden_path("schedules.json")

STEPS = 160          # every step schedule runs this long (past T_max, T, milestones and several restarts)
ONECYCLE_TOTAL = 150  # OneCycleLR cannot be stepped past total_steps: it runs exactly total_steps updates
PLATEAU_OBS = 160
SEED = 20240612

def drive(lr0, make, steps):
    """The lr used by each of `steps` optimizer steps, scheduler.step() after each optimizer.step()."""
    p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr0, foreach=False)
    s = make(opt)
    lrs = []
    for _ in range(steps):
        lrs.append(float(opt.param_groups[0]["lr"]))
        p.grad = torch.ones(1, dtype=torch.float64)
        opt.step()
        s.step()
    return lrs, s


def closed_form_diff(lr0, make, steps):
    """max |recursive - closed| / |closed| over the run, using torch's own _get_closed_form_lr."""
    p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr0, foreach=False)
    s = make(opt)
    worst = 0.0
    for _ in range(steps):
        rec = float(opt.param_groups[0]["lr"])
        closed = float(s._get_closed_form_lr()[0])
        if closed == 0.0:
            d = 0.0 if rec == 0.0 else math.inf
        else:
            d = abs(rec - closed) / abs(closed)
        worst = max(worst, d)
        p.grad = torch.ones(1, dtype=torch.float64)
        opt.step()
        s.step()
    return worst


def step_case(name, schedule, torch_desc, params, lr0, make, steps=STEPS, extra=None):
    lrs, s = drive(lr0, make, steps)
    case = {"name": name, "schedule": schedule, "torch": torch_desc, "params": dict(params, lr0=lr0),
            "steps": steps}
    if hasattr(s, "_get_closed_form_lr") and not isinstance(s, sched.LambdaLR):
        case["closed_form_max_rel_diff"] = closed_form_diff(lr0, make, steps)
    if extra:
        case.update(extra(s))
    case["lr"] = lrs
    return case


def step_cases():
    cases = []
    # StepLR
    for lr0, size, gamma in [(0.1, 7, 0.5), (0.37, 30, 0.1)]:
        cases.append(step_case(f"step/size{size}_gamma{gamma}", "StepDecay",
                               f"StepLR(step_size={size}, gamma={gamma})",
                               {"stepSize": size, "gamma": gamma}, lr0,
                               lambda o, size=size, gamma=gamma: sched.StepLR(o, step_size=size, gamma=gamma)))
    # MultiStepLR
    for lr0, ms, gamma in [(0.1, [10, 25, 60], 0.1), (0.8, [1, 2, 100, 159], 0.5)]:
        cases.append(step_case("multistep/" + "_".join(map(str, ms)) + f"_gamma{gamma}", "MultiStepDecay",
                               f"MultiStepLR(milestones={ms}, gamma={gamma})",
                               {"milestones": ms, "gamma": gamma}, lr0,
                               lambda o, ms=ms, gamma=gamma: sched.MultiStepLR(o, milestones=ms, gamma=gamma)))
    # ExponentialLR
    for lr0, gamma in [(0.1, 0.97), (2.5, 0.9)]:
        cases.append(step_case(f"exponential/gamma{gamma}", "ExponentialDecay", f"ExponentialLR(gamma={gamma})",
                               {"gamma": gamma}, lr0,
                               lambda o, gamma=gamma: sched.ExponentialLR(o, gamma=gamma)))
    # Inverse time decay: no torch class, LambdaLR
    for lr0, decay in [(0.1, 0.05), (0.3, 1.0)]:
        cases.append(step_case(f"inverse_time/decay{decay}", "InverseTimeDecay",
                               f"LambdaLR(lambda t: 1 / (1 + {decay} * t))",
                               {"decay": decay}, lr0,
                               lambda o, decay=decay: sched.LambdaLR(o, lambda t: 1.0 / (1.0 + decay * t))))
    # PolynomialLR (end lr 0), and with an end lr via LambdaLR
    for lr0, total, power in [(0.1, 80, 1.0), (0.1, 80, 2.0), (0.45, 80, 0.9)]:
        cases.append(step_case(f"polynomial/T{total}_power{power}", "PolynomialDecay",
                               f"PolynomialLR(total_iters={total}, power={power})",
                               {"totalSteps": total, "power": power, "endLr": 0.0}, lr0,
                               lambda o, total=total, power=power:
                               sched.PolynomialLR(o, total_iters=total, power=power)))
    for lr0, total, power, end in [(0.1, 80, 2.0, 1e-3)]:
        def lam(t, lr0=lr0, total=total, power=power, end=end):
            return ((lr0 - end) * (1.0 - min(t, total) / total) ** power + end) / lr0
        cases.append(step_case(f"polynomial/T{total}_power{power}_end{end}", "PolynomialDecay",
                               f"LambdaLR(lambda t: ((lr0 - {end}) * (1 - min(t, {total}) / {total}) ** {power}"
                               f" + {end}) / lr0) (PolynomialLR has no end lr)",
                               {"totalSteps": total, "power": power, "endLr": end}, lr0,
                               lambda o, lam=lam: sched.LambdaLR(o, lam)))
    # CosineAnnealingLR, run past T_max (the cosine continues: back up to lr0 at 2 T_max, down at 3 T_max)
    for lr0, tmax, eta in [(0.1, 50, 0.0), (0.1, 50, 1e-3), (0.25, 13, 1e-2)]:
        cases.append(step_case(f"cosine/T{tmax}_eta{eta}", "CosineAnnealing",
                               f"CosineAnnealingLR(T_max={tmax}, eta_min={eta})",
                               {"tMax": tmax, "etaMin": eta}, lr0,
                               lambda o, tmax=tmax, eta=eta: sched.CosineAnnealingLR(o, T_max=tmax, eta_min=eta)))
    # CosineAnnealingWarmRestarts, stepped with integer steps
    for lr0, t0, mult, eta in [(0.1, 10, 1, 1e-4), (0.1, 10, 2, 1e-4), (0.6, 7, 3, 0.0)]:
        cases.append(step_case(f"warm_restarts/T0_{t0}_mult{mult}_eta{eta}", "CosineWarmRestarts",
                               f"CosineAnnealingWarmRestarts(T_0={t0}, T_mult={mult}, eta_min={eta})",
                               {"t0": t0, "tMult": mult, "etaMin": eta}, lr0,
                               lambda o, t0=t0, mult=mult, eta=eta:
                               sched.CosineAnnealingWarmRestarts(o, T_0=t0, T_mult=mult, eta_min=eta)))
    # OneCycleLR, cycle_momentum=False
    for maxlr, pct, anneal, three, div, fdiv in [
            (0.4, 0.3, "cos", False, 25.0, 1e4), (0.4, 0.3, "linear", False, 25.0, 1e4),
            (0.4, 0.3, "cos", True, 25.0, 1e4), (0.4, 0.3, "linear", True, 25.0, 1e4),
            (1.3, 0.25, "cos", True, 10.0, 100.0), (1.3, 0.25, "linear", False, 10.0, 100.0)]:
        def make(o, maxlr=maxlr, pct=pct, anneal=anneal, three=three, div=div, fdiv=fdiv):
            return sched.OneCycleLR(o, max_lr=maxlr, total_steps=ONECYCLE_TOTAL, pct_start=pct,
                                    anneal_strategy=anneal, cycle_momentum=False, div_factor=div,
                                    final_div_factor=fdiv, three_phase=three)
        name = (f"onecycle/{anneal}_{'three' if three else 'two'}_phase_pct{pct}_div{div:g}_final{fdiv:g}")
        cases.append(step_case(name, "OneCycle",
                               f"OneCycleLR(max_lr={maxlr}, total_steps={ONECYCLE_TOTAL}, pct_start={pct}, "
                               f"anneal_strategy='{anneal}', cycle_momentum=False, div_factor={div}, "
                               f"final_div_factor={fdiv}, three_phase={three})",
                               {"maxLr": maxlr, "totalSteps": ONECYCLE_TOTAL, "pctStart": pct,
                                "divFactor": div, "finalDivFactor": fdiv, "annealCos": anneal == "cos",
                                "threePhase": three},
                               maxlr, make, steps=ONECYCLE_TOTAL,
                               extra=lambda s: {"phase_end_steps": [float(ph["end_step"])
                                                                    for ph in s._schedule_phases]}))
    return cases


def metric_sequence(seed, n):
    """A loss-like sequence with big improvements (7%), improvements above (1.5%) and below (0.3%) a 1%
    relative threshold, exact plateaus and setbacks, in runs of 1..8 observations."""
    rng = SplitMix64(seed)
    moves = [0.93, 0.985, 0.997, 1.0, 1.0, 1.0, 1.03]
    m, out = 1.0, []
    while len(out) < n:
        factor = moves[rng.below(len(moves))]
        for _ in range(1 + rng.below(8)):
            if len(out) == n:
                break
            m = m * factor
            out.append(m)
    return out


def dyadic_sequence(seed, n):
    """Multiples of 1/64: with an abs threshold of 1/8, improvements of exactly the threshold (not better: the
    test is strict), just above it, below it, plateaus and setbacks, all exact in binary64."""
    rng = SplitMix64(seed)
    deltas = [-8, -8, -9, -16, -4, 0, 0, 0, 5]
    m, out = 16.0, []
    while len(out) < n:
        d = deltas[rng.below(len(deltas))]
        for _ in range(1 + rng.below(6)):
            if len(out) == n:
                break
            if m + d / 64.0 < 1.0:
                d = 24
            m = m + d / 64.0
            out.append(m)
    return out


def plateau_case(name, lr0, metrics, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0.0, eps=1e-8):
    p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr0, foreach=False)
    s = sched.ReduceLROnPlateau(opt, mode=mode, factor=factor, patience=patience, threshold=threshold,
                                threshold_mode=threshold_mode, cooldown=cooldown, min_lr=min_lr, eps=eps)
    lrs, best, bad, cool = [], [], [], []
    for m in metrics:
        p.grad = torch.ones(1, dtype=torch.float64)
        opt.step()
        s.step(m)
        lrs.append(float(opt.param_groups[0]["lr"]))
        best.append(float(s.best))
        bad.append(int(s.num_bad_epochs))
        cool.append(int(s.cooldown_counter))
    reductions = sum(1 for a, b in zip([lr0] + lrs, lrs) if b != a)
    return {
        "name": name, "schedule": "ReduceOnPlateau",
        "torch": f"ReduceLROnPlateau(mode='{mode}', factor={factor}, patience={patience}, threshold={threshold}, "
                 f"threshold_mode='{threshold_mode}', cooldown={cooldown}, min_lr={min_lr}, eps={eps})",
        "params": {"lr0": lr0, "mode": mode, "factor": factor, "patience": patience, "threshold": threshold,
                   "thresholdMode": threshold_mode, "cooldown": cooldown, "minLr": min_lr, "eps": eps},
        "steps": len(metrics), "reductions": reductions,
        "metrics": list(metrics), "lr": lrs, "best": best, "num_bad_epochs": bad, "cooldown_counter": cool,
    }


def plateau_cases():
    losses = metric_sequence(SEED, PLATEAU_OBS)
    losses2 = metric_sequence(SEED + 1, PLATEAU_OBS)
    accuracy = [1.0 - 0.5 * m for m in metric_sequence(SEED + 2, PLATEAU_OBS)]
    dyadic = dyadic_sequence(SEED + 3, PLATEAU_OBS)
    return [
        plateau_case("plateau/rel1e-2_patience3_cooldown2_minlr", 0.1, losses, factor=0.5,
                     patience=3, threshold=1e-2, threshold_mode="rel", cooldown=2, min_lr=0.004),
        plateau_case("plateau/abs5e-3_patience3_cooldown2_factor0.7_minlr", 0.1, losses, factor=0.7,
                     patience=3, threshold=5e-3, threshold_mode="abs", cooldown=2, min_lr=0.004),
        plateau_case("plateau/rel1e-4_patience0_cooldown0_factor0.1_minlr_eps", 0.3, losses2, factor=0.1,
                     patience=0, threshold=1e-4, threshold_mode="rel", cooldown=0, min_lr=1e-9),
        plateau_case("plateau/abs_dyadic_edge_patience2_cooldown1", 0.2, dyadic, factor=0.3,
                     patience=2, threshold=0.125, threshold_mode="abs", cooldown=1, min_lr=0.0),
        plateau_case("plateau/max_rel1e-2_patience3_cooldown2_minlr", 0.05, accuracy, mode="max", factor=0.7,
                     patience=3, threshold=1e-2, threshold_mode="rel", cooldown=2, min_lr=0.001),
        plateau_case("plateau/eps_floor_patience1", 3e-8, losses2, factor=0.5,
                     patience=1, threshold=1e-2, threshold_mode="rel", cooldown=0, min_lr=0.0),
    ]


def main():
    setup_torch()
    warnings.simplefilter("error")  # any scheduler warning (e.g. a wrong step order) is a generator bug
    cases = step_cases() + plateau_cases()
    for c in cases:
        if c["schedule"] != "ReduceOnPlateau" and c["schedule"] != "OneCycle" and c["steps"] < 150:
            raise SystemExit(f"{c['name']}: only {c['steps']} steps")
        if c.get("closed_form_max_rel_diff", 0.0) > 1e-10:
            raise SystemExit(f"{c['name']}: torch's recursive form drifts {c['closed_form_max_rel_diff']} from "
                             "its closed form; generate this case from _get_closed_form_lr")
    doc = metadata("core/src/test/python/make_schedule_golden.py")
    doc.update({
        "optimizer": "torch.optim.SGD(foreach=False) on one parameter; scheduler.step() after each optimizer.step()",
        "seed": SEED,
        "lr_note": "step schedules: lr[t] = param_groups[0]['lr'] used by optimizer step t (0-based) = rate(t); "
                   "ReduceOnPlateau: lr[k] = lr after observing metrics[k]",
        "cases": cases,
    })
    write_golden(OUT, doc)
    for c in cases:
        more = ""
        if "closed_form_max_rel_diff" in c:
            more += f" recursive-vs-closed={c['closed_form_max_rel_diff']:.2e}"
        if "phase_end_steps" in c:
            more += f" phases={c['phase_end_steps']}"
        if "reductions" in c:
            more += f" reductions={c['reductions']}"
        print(f"  {c['name']:52s} steps={c['steps']} last={c['lr'][-1]:.6g}{more}", file=sys.stderr)


if __name__ == "__main__":
    main()
