#!/usr/bin/env python3
"""PyTorch CPU anchor for steepest's benchmark suite (B5): seconds per training epoch of an MLP.

Reads the rows BenchSuite exported (float32 features, int32 class labels, little-endian, row-major) and trains
the same network as steepest's MLP (Linear + ReLU hidden layers, softmax cross-entropy head; PyTorch's default
init, which does not change the time), AdamW, a shuffled mini-batch per step, one epoch per repeat, float32. Prints one line per
batch size: "batch B epoch_seconds s1 s2 ..." (one figure per repeat).

Needs Debian's python3-torch for the system interpreter:  apt-get install -y python3-torch
run as /usr/bin/python3 (the python3 first on PATH may not see it).
"""
import argparse
import sys
import time

import numpy as np
import torch


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--features-file", required=True)
    p.add_argument("--labels-file", required=True)
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--features", type=int, required=True)
    p.add_argument("--classes", type=int, required=True)
    p.add_argument("--hidden", default="256,128")
    p.add_argument("--batches", default="128,1024")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--weight-decay", type=float, default=0.1)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(7)
    x = torch.from_numpy(np.fromfile(a.features_file, dtype="<f4").reshape(a.rows, a.features).copy())
    y = torch.from_numpy(np.fromfile(a.labels_file, dtype="<i4").astype(np.int64))
    hidden = [int(h) for h in a.hidden.split(",") if h]
    for b in [int(s) for s in a.batches.split(",")]:
        layers, width = [], a.features
        for h in hidden:
            layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
            width = h
        layers.append(torch.nn.Linear(width, a.classes))
        net = torch.nn.Sequential(*layers)
        opt = torch.optim.AdamW(net.parameters(), lr=a.lr, weight_decay=a.weight_decay)
        loss_fn = torch.nn.CrossEntropyLoss()
        times = []
        for _ in range(a.repeats):
            t0 = time.perf_counter()
            perm = torch.randperm(a.rows)
            for s in range(0, a.rows, b):
                idx = perm[s:s + b]
                opt.zero_grad(set_to_none=True)
                loss = loss_fn(net(x[idx]), y[idx])
                loss.backward()
                opt.step()
            times.append(time.perf_counter() - t0)
        print("batch %d epoch_seconds %s" % (b, " ".join("%.4f" % t for t in times)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
