"""The lesson pass in PyTorch, the reference for scripts/bench.mjs.

x [50000, 784] ~ N(0, 1) through a 784-100-100-100-1 ReLU MLP with MSE, forward and the same
hand-written backward as InitLab's nn modules (no autograd), on all cores, the gradient with
respect to the data included (probe(model)'s default).

    pass   forward and backward
    probe  the same, measuring what InitLab's probe measures for an nn model
           (src/toolkit/probe/nnAdapter.ts), each distinct tensor once, with the fewest passes
           torch offers (bench/torch_probe.py): per layer (a Linear and its ReLU) the weights,
           bias, pre-activation, activation, weight and bias gradients, output gradient and
           input gradient (the layer before's output gradient, and for the first layer the
           gradient with respect to the data), and the data's moments
    check  one probed pass on the weights and data bench/probeCheckWorker.ts exported to <dir>;
           prints every measurement (scripts/benchCheck.mjs compares them with InitLab's)

    /usr/bin/python3 bench/lesson_pass_torch.py <pass|probe> <rounds>
    /usr/bin/python3 bench/lesson_pass_torch.py check <dir>
"""
import json, os, sys, time

import numpy as np
import torch

from torch_probe import Probe, result_line, setup, timed

SIZES = [784, 100, 100, 100, 1]


def one_pass(x, y, ws, bs, measure):
    """Forward and backward; with measure, returns the Probe that measured the pass."""
    inps, pres, acts = [], [], []
    a = x
    for i, (w, b) in enumerate(zip(ws, bs)):
        inps.append(a)
        z = a @ w + b
        pres.append(z)
        a = z.clamp_min(0) if i < len(ws) - 1 else z
        acts.append(a)
    out = a.squeeze(-1)
    loss = (out - y).pow(2).mean()
    g = (2 * (out - y) / out.shape[0]).unsqueeze(-1)
    out_grads, in_grads, w_grads, b_grads = [None] * len(ws), [None] * len(ws), [None] * len(ws), [None] * len(ws)
    for i in reversed(range(len(ws))):
        out_grads[i] = g
        if i < len(ws) - 1:
            g = g * (pres[i] > 0)
        w_grads[i] = inps[i].t() @ g
        b_grads[i] = g.sum(0)
        g = g @ ws[i].t()
        in_grads[i] = g
    loss.item()
    if not measure:
        return None
    probe = Probe()
    for i in range(len(ws)):
        probe.see(ws[i], f"{i}:weights")
        probe.see(bs[i], f"{i}:bias")
        probe.see(pres[i], f"{i}:preActivation")
        if i < len(ws) - 1:
            probe.see(acts[i], f"{i}:activation")
        probe.see(w_grads[i], f"{i}:weightGrad")
        probe.see(b_grads[i], f"{i}:biasGrad")
        probe.see(out_grads[i], f"{i}:outputGrad")
        probe.see(in_grads[i], f"{i}:inputGrad")
    # Each layer's input, moments only, for the gains: all but the data are measured already.
    for i in range(len(ws)):
        probe.see(inps[i], f"{i}:input", moments_only=True)
    return probe


def check(export_dir):
    with open(os.path.join(export_dir, "tensors.json")) as f:
        index = json.load(f)
    blob = np.fromfile(os.path.join(export_dir, "tensors.bin"), dtype="<f4")

    def tensor(entry):
        return torch.from_numpy(blob[entry["offset"] : entry["offset"] + int(np.prod(entry["shape"]))].reshape(entry["shape"]).copy())

    ws = [tensor(w["w"]) for w in index["weights"]]
    bs = [tensor(w["b"]) for w in index["weights"]]
    x, y = tensor(index["x"]), tensor(index["y"])
    probe = one_pass(x, y, ws, bs, True)
    # The same pass in float64: the exact answer both engines' float32 rounding is judged against.
    exact = one_pass(x.double(), y.double(), [w.double() for w in ws], [b.double() for b in bs], True)
    print(json.dumps({"handed": probe.handed, "tensors": probe.report(), "exact": exact.report()}))


if __name__ == "__main__":
    setup()
    mode = sys.argv[1] if len(sys.argv) > 1 else "pass"
    if mode == "check":
        check(sys.argv[2])
    else:
        rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
        x = torch.randn(50000, 784)
        y = torch.randn(50000)
        ws = [torch.randn(a, b) * (2 / a) ** 0.5 for a, b in zip(SIZES, SIZES[1:])]
        bs = [torch.zeros(b) for b in SIZES[1:]]
        once = lambda: one_pass(x, y, ws, bs, mode == "probe")
        once()
        print(result_line(mode, 50000, [timed(once) for _ in range(rounds)]))
