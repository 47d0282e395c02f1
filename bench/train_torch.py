"""The training rows' reference for scripts/bench.mjs: bench/trainBenchWorker.ts in PyTorch.

`steps` steps of plain SGD (lr 0.01) or Adam (lr 0.001), batches of 64 drawn from 4,096 MNIST
images, on the lesson's MLP (784-100-100-100-10, ReLU, Kaiming) or the CNN of the CNN rows
(NCHW), with nothing recorded, or recording at step 0 and every `every` steps what InitLab's
recorder keeps, the way it does: the weights copied before the step; after it, on a fixed probe
batch of 256 rows, one forward and backward with a forward hook on every layer and a tensor
hook on its output, registered for that pass only (BatchNorm in training mode, its running
statistics put back afterwards, as the probe does); per layer the mean, std, min, max and
30-bin histogram of its output, of its output's gradient, of each parameter, buffer and
parameter gradient, its input's mean and std, the fraction of dead units, the gradient norm
and the update-to-weight ratio; every figure read out as numbers. The tensor hook sees the
gradient a full-backward hook's grad_output holds, at half the cost here (a CNN recording
0.19 s against 0.39 s with full-backward hooks): PyTorch at its best.

Prints one JSON line: the median of `rounds` runs after a warm-up (a short recording, in every
variant), with the median run's split of its time (training steps and recording), measured
as the recorder measures its own.

    /usr/bin/python3 bench/train_torch.py <mlp|cnn> <none|every> <steps> <rounds> <mnist-images.idx> [sgd|adam]
"""
import json, os, resource, sys, time

import numpy as np
import torch
import torch.nn as nn

torch.set_num_threads(os.cpu_count())
torch.manual_seed(1)
net, variant, steps, rounds, idx = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
optimizer_name = sys.argv[6] if len(sys.argv) > 6 else "sgd"
IMAGES, BATCH, PROBE_ROWS, BINS, WARM_UP_STEPS = 4096, 64, 256, 30, 5

# MNIST as data.mnist gives it: pixels / 256, normalized with the lesson's mean and std.
raw = np.fromfile(idx, dtype=np.uint8, offset=16)[: IMAGES * 784].astype(np.float32) / 256
x = torch.from_numpy((raw - 0.1304) / 0.3073)
x = x.reshape(IMAGES, 1, 28, 28) if net == "cnn" else x.reshape(IMAGES, 784)
labels = np.fromfile(idx.replace("images-idx3", "labels-idx1"), dtype=np.uint8, offset=8)[:IMAGES]
y = torch.from_numpy(labels.astype(np.int64))


def block(cin, cout, stride):
    # tf.layers' BatchNorm defaults: momentum 0.99 (PyTorch's 0.01), epsilon 1e-3.
    return [nn.Conv2d(cin, cout, 3, stride, 1), nn.BatchNorm2d(cout, eps=1e-3, momentum=0.01), nn.ReLU()]


if net == "cnn":
    model = nn.Sequential(*block(1, 16, 1), *block(16, 32, 2), *block(32, 64, 2), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))
else:
    model = nn.Sequential(nn.Linear(784, 100), nn.ReLU(), nn.Linear(100, 100), nn.ReLU(), nn.Linear(100, 100), nn.ReLU(), nn.Linear(100, 10))
# As benchModels.ts builds them: Kaiming (heNormal) kernels, Glorot uniform for the last dense, zero biases.
layers_with_kernel = [m for m in model if isinstance(m, (nn.Conv2d, nn.Linear))]
for m in layers_with_kernel[:-1]:
    nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
nn.init.xavier_uniform_(layers_with_kernel[-1].weight)
for m in layers_with_kernel:
    nn.init.zeros_(m.bias)
# The logits with CrossEntropyLoss: the same loss as softmax + categorical cross-entropy, PyTorch's fast form.
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.001) if optimizer_name == "adam" else torch.optim.SGD(model.parameters(), lr=0.01)
generator = torch.Generator().manual_seed(0)
xp, yp = x[:PROBE_ROWS], y[:PROBE_ROWS]
weighted = [m for m in model if isinstance(m, (nn.Conv2d, nn.Linear, nn.BatchNorm2d))]
norms = [m for m in model if isinstance(m, nn.BatchNorm2d)]

scalars, histograms = [], []


def stats(t):
    """mean, std, min, max and a 30-bin histogram over [min, max], as the probe's tensorStats."""
    flat = t.detach().reshape(-1)
    lo, hi = torch.aminmax(flat)
    # Two ops: torch.std_mean is single-threaded and 7x slower here (1.13, 3.2M values: 9.2 ms against 1.4 ms).
    scalars.extend([flat.mean(), flat.std(), lo, hi])
    histograms.append(torch.histc(flat, BINS, lo.item(), hi.item()))


def dead_fraction(output):
    """Units (features, or channels) zero for every example of the probe batch."""
    o = output.detach()
    dims = [0] + list(range(2, o.dim()))
    return ((o.amax(dim=dims) == 0) & (o.amin(dim=dims) == 0)).float().mean()


def forward_hook(module, inputs, output):
    flat = inputs[0].detach().reshape(-1)
    scalars.extend([flat.mean(), flat.std()])
    stats(output)
    scalars.append(dead_fraction(output))
    # The output's gradient, by a tensor hook: what a full-backward hook's grad_output is,
    # without the identity autograd nodes a full-backward hook wraps the module in.
    output.register_hook(stats)


def record(before):
    """The recorder's work at one step: the probe batch's pass with hooks, then weights, gradients, norms and update ratios."""
    scalars.clear()
    histograms.clear()
    saved = [(m.running_mean.clone(), m.running_var.clone(), m.num_batches_tracked.clone()) for m in norms]
    # The hooks are on only for the probe batch's pass, so the training steps run without them.
    handles = [m.register_forward_hook(forward_hook) for m in model]
    optimizer.zero_grad(set_to_none=True)
    loss_fn(model(xp), yp).backward()
    for h in handles:
        h.remove()
    for m, (mean, var, count) in zip(norms, saved):
        m.running_mean.copy_(mean)
        m.running_var.copy_(var)
        m.num_batches_tracked.copy_(count)
    for m in weighted:
        for p in m.parameters():
            stats(p)
            stats(p.grad)
        for b in m.buffers():
            if b.is_floating_point():
                stats(b)
        scalars.append(torch.linalg.vector_norm(m.weight.grad))
    for m, w0 in zip(weighted, before or []):
        scalars.append(torch.linalg.vector_norm(m.weight.detach() - w0) / torch.linalg.vector_norm(w0))
    # Every figure out as numbers, as InitLab's record keeps them.
    torch.stack(scalars).tolist()
    torch.stack(histograms).tolist()


def run(n, every):
    """n steps; with `every`, records at step 0 and every `every` steps. Returns (training ms, recording ms, recorded steps)."""
    training = recording_ms = 0.0
    recorded = 0
    if every is not None:
        started = time.perf_counter()
        record(None)
        recording_ms += time.perf_counter() - started
        recorded += 1
    for step in range(1, n + 1):
        due = every is not None and step % every == 0
        started = time.perf_counter()
        before = [m.weight.detach().clone() for m in weighted] if due else None
        recording_ms += time.perf_counter() - started
        started = time.perf_counter()
        rows = torch.randint(0, IMAGES, (BATCH,), generator=generator)
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[rows]), y[rows])
        loss.backward()
        optimizer.step()
        loss.item()  # read every step's loss, as record does
        training += time.perf_counter() - started
        if due:
            started = time.perf_counter()
            record(before)
            recording_ms += time.perf_counter() - started
            recorded += 1
    return training * 1000, recording_ms * 1000, recorded


every = None if variant == "none" else int(variant)
# The warm-up records in every variant, the unrecorded one too: a recording's large tensors leave
# glibc's allocator holding freed memory (its mmap and trim thresholds grow), and without one the
# unrecorded steps ran 3-4x slower on the CNN (page faults on fresh memory at every step).
run(WARM_UP_STEPS, WARM_UP_STEPS)
runs = []
for _ in range(rounds):
    start = time.perf_counter()
    split = run(steps, every)
    runs.append(((time.perf_counter() - start) * 1000, split))
runs.sort(key=lambda r: r[0])
median_ms, (training_ms, recording_ms, recorded) = runs[len(runs) // 2]
print(json.dumps({
    "backend": f"torch {torch.__version__} ({torch.get_num_threads()} threads)",
    "net": net,
    "variant": variant,
    "optimizer": optimizer_name,
    "steps": steps,
    "medianMs": median_ms,
    "timesMs": [round(r[0]) for r in runs],
    "every": every,
    "recordedSteps": recorded if every is not None else 0,
    "trainingMs": training_ms,
    "recordingMs": recording_ms if every is not None else None,
    "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
