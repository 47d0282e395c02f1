"""The CNN rows' reference for scripts/bench.mjs: the same network as bench/cnnBenchWorker.ts in
PyTorch (NCHW): conv 3x3 16, conv 3x3 32 stride 2, conv 3x3 64 stride 2, each with BatchNorm
(training mode) and ReLU, global average pooling, linear 10, cross-entropy, on MNIST images.

    pass   forward and backward
    probe  the same, with forward and full-backward hooks on every layer collecting what
           InitLab's probe shows: mean, std, min, max, zero fraction and a 30-bin histogram of
           each layer's output, output gradient and input gradient, and of every parameter and
           its gradient
    fit    one epoch of SGD at 0.01, batch 128

    /usr/bin/python3 bench/cnn_torch.py <pass|probe|fit> <images> <rounds> <mnist-images.idx>
"""
import json, os, resource, sys, time

import numpy as np
import torch
import torch.nn as nn

torch.set_num_threads(os.cpu_count())
torch.manual_seed(1)
mode, images, rounds, idx = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
WARM_UP_IMAGES = 500

raw = np.fromfile(idx, dtype=np.uint8, offset=16)[: images * 784].astype(np.float32) / 256
x = torch.from_numpy((raw - raw.mean()) / raw.std()).reshape(images, 1, 28, 28)
y = torch.randint(0, 10, (images,))


def block(cin, cout, stride):
    return [nn.Conv2d(cin, cout, 3, stride, 1), nn.BatchNorm2d(cout), nn.ReLU()]


model = nn.Sequential(*block(1, 16, 1), *block(16, 32, 2), *block(32, 64, 2), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))
for m in model.modules():
    if isinstance(m, nn.Conv2d):
        nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
loss_fn = nn.CrossEntropyLoss()


def stats(t):
    flat = t.detach().reshape(-1)
    lo, hi = flat.min(), flat.max()
    return [flat.mean(), flat.std(), lo, hi, (flat == 0).sum(), torch.histc(flat, 30, lo.item(), hi.item())]


held = []


def forward_hook(module, inputs, output):
    held.append(output)


def backward_hook(module, grad_input, grad_output):
    for g in (*grad_input, *grad_output):
        if g is not None:
            held.append(g)


if mode == "probe":
    for m in model:
        m.register_forward_hook(forward_hook)
        m.register_full_backward_hook(backward_hook)


def one_pass(x=x, y=y):
    held.clear()
    model.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    if mode == "probe":
        for t in held:
            stats(t)
        for p in model.parameters():
            stats(p)
            stats(p.grad)
    loss.item()


def one_epoch():
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    for i in range(0, images, 128):
        opt.zero_grad()
        loss_fn(model(x[i : i + 128]), y[i : i + 128]).backward()
        opt.step()


def timed(fn):
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


if mode == "fit":
    times = [timed(one_epoch)]
else:
    # Warm-up on the first 500 images, as the tfjs worker does (a warm-up on the whole batch
    # would leave that engine's 4 GiB heap too fragmented for a second 10,000-image pass).
    one_pass(x[:WARM_UP_IMAGES], y[:WARM_UP_IMAGES])
    times = sorted(timed(one_pass) for _ in range(rounds))
print(json.dumps({"backend": f"torch {torch.__version__} ({torch.get_num_threads()} threads)", "mode": mode, "images": images, "medianMs": times[len(times) // 2], "timesMs": times, "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
