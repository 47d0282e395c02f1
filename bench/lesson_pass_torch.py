"""The lesson pass in PyTorch, the reference for scripts/bench.mjs.

x [50000, 784] ~ N(0, 1) through a 784-100-100-100-1 ReLU MLP with MSE, forward and the same
hand-written backward as InitLab's nn modules (no autograd), on all cores. With `probe`, the
statistics InitLab's probe computes (mean, std, min, max, zero fraction, histogram) for the
same tensors. Prints one JSON line.

    /usr/bin/python3 bench/lesson_pass_torch.py <pass|probe> <rounds>
"""
import json, os, resource, sys, time

import torch

torch.set_num_threads(os.cpu_count())
torch.manual_seed(1)
mode = sys.argv[1] if len(sys.argv) > 1 else "pass"
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3

x = torch.randn(50000, 784)
y = torch.randn(50000)
sizes = [784, 100, 100, 100, 1]
ws = [torch.randn(a, b) * (2 / a) ** 0.5 for a, b in zip(sizes, sizes[1:])]
bs = [torch.zeros(b) for b in sizes[1:]]


def stats(t):
    flat = t.reshape(-1)
    lo, hi = flat.min(), flat.max()
    return [flat.mean(), flat.std(), lo, hi, (flat == 0).sum(), torch.histc(flat, 30, lo.item(), hi.item())]


def once():
    start = time.perf_counter()
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
    grads = []
    for i in reversed(range(len(ws))):
        if i < len(ws) - 1:
            g = g * (pres[i] > 0).float()
        wg = inps[i].t() @ g
        bg = g.sum(0)
        g = g @ ws[i].t()
        grads.append((wg, bg, g))
    if mode == "probe":
        for i in range(len(ws)):
            for t in (ws[i], pres[i], acts[i]):
                stats(t)
        for wg, bg, ig in grads:
            for t in (wg, bg, ig):
                stats(t)
    loss.item()
    return (time.perf_counter() - start) * 1000


once()
times = sorted(once() for _ in range(rounds))
print(json.dumps({"backend": f"torch {torch.__version__} ({torch.get_num_threads()} threads)", "mode": mode, "medianMs": times[len(times) // 2], "timesMs": times, "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
