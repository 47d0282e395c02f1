"""The training rows' reference for scripts/bench.mjs: bench/recordBenchWorker.ts in PyTorch.

`steps` steps of plain SGD (lr 0.01, batches of 64 drawn from 4,096 MNIST images) on the lesson's
MLP (784-100-100-100-10, ReLU) or the CNN of the CNN rows (NCHW), with nothing recorded, or
recording every `every` steps what InitLab's recorder keeps: on a fixed batch of 256 rows, a
forward and backward with forward and full-backward hooks on every layer, and per layer the
mean, std, min, max and 30-bin histogram of its output, its weights and their gradient, the
fraction of dead units, the gradient norm, and the update-to-weight ratio of that step (the
weights copied before it). Prints one JSON line: the median of `rounds` runs after 10 warm-up steps.

    /usr/bin/python3 bench/record_torch.py <mlp|cnn> <none|1|10> <steps> <rounds> <mnist-images.idx>
"""
import json, os, resource, sys, time

import numpy as np
import torch
import torch.nn as nn

torch.set_num_threads(os.cpu_count())
torch.manual_seed(1)
net, variant, steps, rounds, idx = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
IMAGES = 4096

raw = np.fromfile(idx, dtype=np.uint8, offset=16)[: IMAGES * 784].astype(np.float32) / 256
x = torch.from_numpy((raw - raw.mean()) / raw.std())
x = x.reshape(IMAGES, 1, 28, 28) if net == "cnn" else x.reshape(IMAGES, 784)
y = torch.randint(0, 10, (IMAGES,))


def block(cin, cout, stride):
    return [nn.Conv2d(cin, cout, 3, stride, 1), nn.BatchNorm2d(cout), nn.ReLU()]


if net == "cnn":
    model = nn.Sequential(*block(1, 16, 1), *block(16, 32, 2), *block(32, 64, 2), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))
else:
    model = nn.Sequential(nn.Linear(784, 100), nn.ReLU(), nn.Linear(100, 100), nn.ReLU(), nn.Linear(100, 100), nn.ReLU(), nn.Linear(100, 10))
for m in model.modules():
    if isinstance(m, (nn.Conv2d, nn.Linear)):
        nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
generator = torch.Generator().manual_seed(0)
xp, yp = x[:256], y[:256]
weighted = [m for m in model if isinstance(m, (nn.Conv2d, nn.Linear, nn.BatchNorm2d))]


def stats(t):
    flat = t.detach().reshape(-1)
    lo, hi = flat.min(), flat.max()
    return [flat.mean(), flat.std(), lo, hi, torch.histc(flat, 30, lo.item(), hi.item())]


kept = []
# Hooks collect only while the recorder runs its probe batch, as InitLab's do.
recording = [False]


def forward_hook(module, inputs, output):
    if not recording[0]:
        return
    kept.append(stats(output))
    channels = output.detach().transpose(0, 1).reshape(output.shape[1], -1) if output.dim() > 2 else output.detach().t()
    kept.append((channels.abs().amax(1) == 0).float().mean())


def backward_hook(module, grad_input, grad_output):
    if not recording[0]:
        return
    kept.append(stats(grad_output[0]))


for m in model:
    m.register_forward_hook(forward_hook)
    m.register_full_backward_hook(backward_hook)

def record(before):
    """The recorder's work at one step: the probe batch's pass with hooks, then weights, gradients, norms and update ratios."""
    kept.clear()
    recording[0] = True
    model.zero_grad()
    loss_fn(model(xp), yp).backward()
    for m, w0 in zip(weighted, before):
        w = m.weight.detach()
        kept.extend([stats(w), stats(m.weight.grad), m.weight.grad.norm(), (w - w0).norm() / w0.norm()])
    torch.stack([torch.as_tensor(float(v[1] if isinstance(v, list) else v)) for v in kept])  # read every figure
    recording[0] = False


def run(n):
    every = None if variant == "none" else int(variant)
    for step in range(1, n + 1):
        rows = torch.randint(0, IMAGES, (64,), generator=generator)
        due = every is not None and step % every == 0
        before = [m.weight.detach().clone() for m in weighted] if due else None
        optimizer.zero_grad()
        loss = loss_fn(model(x[rows]), y[rows])
        loss.backward()
        optimizer.step()
        loss.item()
        if due:
            record(before)


run(10)
times = []
for _ in range(rounds):
    start = time.perf_counter()
    run(steps)
    times.append((time.perf_counter() - start) * 1000)
times.sort()
print(json.dumps({"backend": f"torch {torch.__version__} ({torch.get_num_threads()} threads)", "net": net, "variant": variant, "steps": steps, "medianMs": times[len(times) // 2], "timesMs": [round(t) for t in times], "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
