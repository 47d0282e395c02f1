"""InitLab's probe written in PyTorch, as a careful PyTorch user would write it: the reference the
probe rows of scripts/bench.mjs time (bench/cnn_torch.py, bench/mobilenet_torch.py) and that
scripts/benchCheck.mjs checks against InitLab's own numbers.

What InitLab's probe measures for a tf.layers model (src/toolkit/probe/layersAdapter.ts), and so
what this measures, layer by layer, each tensor labelled "<layer index>:<kind>" as the probe's
report names it:

    every weight, bias, BatchNorm gamma, beta, moving mean and moving variance, before the pass
    a weighted layer's output (preActivation), any other layer's output (activation); an
        activation layer's input too (preActivation: the layer before's output, the same tensor);
        a dense layer with softmax, its logits (preActivation) and its output (activation)
    each layer's input, moments only (the probe's gains read them; all but the data are some
        layer's output already)
    each layer's output gradient (outputGrad) and input gradient (inputGrad: the layer before's
        output gradient, the same tensor), and each parameter's gradient (weightGrad, biasGrad,
        gammaGrad, betaGrad); no gradient with respect to the data (the bench's probes pass
        dataGrad: false, as PyTorch data does not require grad)

and per tensor: mean, std (unbiased), min, max, the count of exact zeros and a 30-bin histogram
over [min, max] (src/toolkit/probe/tensorStats.ts, fusedStats.ts); moments only: the first four.

Each distinct tensor is measured once. Tensors are keyed by storage (data_ptr, numel, shape), as
InitLab's probe keys them by their values' id: a layer's input is the layer before's output, and
its input gradient is the layer before's output gradient. Gradients come from tensor hooks on the
outputs, registered once per distinct tensor (a full-backward hook hands each gradient to two
modules and costs an extra node per module). Keys are only compared while the tensors are held,
so a freed tensor's address cannot be reused under another's key.

Per tensor, the fewest and fastest passes torch 1.13 offers on the CPU: `mean()` and `std()`
(torch.std_mean's single-pass Welford reduction is about 4x slower there: 40 M values, 520 ms
against 25 + 116 ms), `torch.aminmax` (one pass for both), `torch.count_nonzero` (one pass, no
temporary; `(t == 0).sum()` makes a 40 M boolean tensor and took 600-1,100 ms against 50-70) and
`torch.histc` (torch.histogram and a bincount of the scaled values take as long).
"""
import copy, json, math, os, resource, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

BINS = 30
KERAS_EPSILON = 1e-7  # tf.layers' epsilon(), which its cross-entropy clips by


def tensor_stats(t, moments_only):
    """The probe's statistics of one tensor, as Python numbers."""
    with torch.no_grad():
        lo, hi = torch.aminmax(t)
        lo, hi = lo.item(), hi.item()
        out = {"count": t.numel(), "mean": t.mean().item(), "std": t.std().item(), "min": lo, "max": hi}
        if not moments_only:
            out["zeros"] = t.numel() - torch.count_nonzero(t).item()
            out["histogram"] = torch.histc(t, BINS, lo, hi).tolist()
        return out


class Probe:
    """One probed pass's measurements, each distinct tensor once (see the file's comment)."""

    def __init__(self):
        self.entries = {}  # storage key -> entry
        self.measured = []  # every measurement, in order: {"labels", "stats"}
        self.handed = 0  # tensors the hooks were handed, repeats included

    @staticmethod
    def key(t):
        return (t.data_ptr(), t.numel(), tuple(t.shape))

    def see(self, t, label, moments_only=False, grad_label=None):
        """Measures t unless this pass has measured it; labels it; later measures its gradient as grad_label."""
        self.handed += 1
        k = self.key(t)
        entry = self.entries.get(k)
        if entry is None:
            entry = {"tensor": t, "grad_labels": [], "hooked": False, "record": None}
            self.entries[k] = entry
        if entry["record"] is None:
            entry["record"] = {"labels": [], "stats": tensor_stats(t, moments_only), "momentsOnly": moments_only}
            self.measured.append(entry["record"])
        elif entry["record"]["momentsOnly"] and not moments_only:
            # First asked for moments only, now for everything: measured again in full, as the probe does.
            entry["record"].update(stats=tensor_stats(t, False), momentsOnly=False)
        entry["record"]["labels"].append(label)
        if grad_label is not None and t.requires_grad:
            entry["grad_labels"].append(grad_label)
            if not entry["hooked"]:
                entry["hooked"] = True
                t.register_hook(lambda g, entry=entry: self.gradient(g, entry))

    def gradient(self, g, entry):
        self.handed += 1
        self.measured.append({"labels": list(entry["grad_labels"]), "stats": tensor_stats(g, False), "momentsOnly": False})

    def report(self):
        """Every measurement as JSON-safe values: NaN and infinities as the strings InitLab's StatNumber uses."""
        named = lambda v: v if not isinstance(v, float) or math.isfinite(v) else ("NaN" if v != v else "Infinity" if v > 0 else "-Infinity")
        return [{"labels": m["labels"], **{k: named(v) for k, v in m["stats"].items()}} for m in self.measured]


# The layers of a tf.layers model, in PyTorch (NCHW), each knowing which of its tensors the probe shows as what.


class SameConv2d(nn.Conv2d):
    """tf.layers' Conv2D / DepthwiseConv2D with padding 'same': a stride-2 convolution of an even
    size pads only after (bottom and right), where nn.Conv2d's padding would pad both sides and
    shift every window by one pixel. groups=channels makes it depthwise."""

    probe_weights = {"weight": "weights", "bias": "bias"}
    probe_output = "preActivation"

    def __init__(self, cin, cout, kernel, stride=1, groups=1, bias=True):
        super().__init__(cin, cout, kernel, stride, 0, groups=groups, bias=bias)

    def forward(self, x):
        pads = []
        for size, k, s in ((x.shape[3], self.kernel_size[1], self.stride[1]), (x.shape[2], self.kernel_size[0], self.stride[0])):
            total = max((-(-size // s) - 1) * s + k - size, 0)
            pads += [total // 2, total - total // 2]
        if pads[0] == pads[1] and pads[2] == pads[3]:
            return F.conv2d(x, self.weight, self.bias, self.stride, (pads[2], pads[0]), 1, self.groups)
        return F.conv2d(F.pad(x, pads), self.weight, self.bias, self.stride, 0, 1, self.groups)


class BatchNorm(nn.BatchNorm2d):
    """tf.layers' BatchNormalization defaults: epsilon 1e-3, momentum 0.99 (PyTorch's 0.01)."""

    probe_weights = {"weight": "gamma", "bias": "beta", "running_mean": "movingMean", "running_var": "movingVariance"}
    probe_output = "activation"

    def __init__(self, channels):
        super().__init__(channels, eps=1e-3, momentum=0.01)


class Activation(nn.Module):
    """An activation layer (tf.layers.activation, tf.layers.reLU): its input shows as preActivation."""

    probe_weights = {}
    probe_output = "activation"

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn(x)


class GlobalAveragePooling(nn.Module):
    probe_weights = {}
    probe_output = "activation"

    def forward(self, x):
        return x.mean((2, 3))


class DenseSoftmax(nn.Linear):
    """tf.layers.dense with activation 'softmax': logits (preActivation), then probabilities (activation)."""

    probe_weights = {"weight": "weights", "bias": "bias"}
    probe_output = "activation"

    def forward(self, x):
        self.logits = super().forward(x)
        return torch.softmax(self.logits, -1)


def keras_categorical_crossentropy(p, y):
    """tf.layers' categoricalCrossentropy on probabilities, averaged: the same loss, hence the same output gradient."""
    p = p / p.sum(-1, keepdim=True)
    return -(y * p.clamp(KERAS_EPSILON, 1 - KERAS_EPSILON).log()).sum(-1).mean()


GRAD_KIND = {"weights": "weightGrad", "bias": "biasGrad", "gamma": "gammaGrad", "beta": "betaGrad"}


def probed_pass(layers, x, y):
    """One forward and backward pass of nn.Sequential `layers` on (x, y), measured as InitLab's probe measures a tf.layers model."""
    probe = Probe()
    hooks = []

    def forward_hook(i):
        def hook(module, inputs, output):
            if isinstance(module, Activation):
                probe.see(inputs[0], f"{i}:preActivation")
            if isinstance(module, DenseSoftmax):
                probe.see(module.logits, f"{i}:preActivation")
            probe.see(output, f"{i}:{module.probe_output}", grad_label=f"{i}:outputGrad")
            probe.see(inputs[0], f"{i}:input", moments_only=True, grad_label=f"{i}:inputGrad")

        return hook

    try:
        for i, module in enumerate(layers):
            hooks.append(module.register_forward_hook(forward_hook(i)))
        # Weights before the pass (BatchNorm's running statistics move during it; the probe puts them back).
        weights = []
        for i, module in enumerate(layers):
            for name, kind in module.probe_weights.items():
                t = getattr(module, name)
                if t is not None:
                    probe.see(t, f"{i}:{kind}")
                    if kind in GRAD_KIND:
                        weights.append((t, f"{i}:{GRAD_KIND[kind]}"))
        saved = [b.clone() for m in layers for b in m.buffers()]
        layers.zero_grad(set_to_none=True)
        loss = keras_categorical_crossentropy(layers(x), y)
        loss.backward()
        for p, label in weights:
            probe.see(p.grad, label)
        with torch.no_grad():
            for b, s in zip([b for m in layers for b in m.buffers()], saved):
                b.copy_(s)
        return loss.item(), probe
    finally:
        for h in hooks:
            h.remove()


def plain_pass(layers, x, y):
    """Forward and backward, nothing measured."""
    layers.zero_grad(set_to_none=True)
    loss = keras_categorical_crossentropy(layers(x), y)
    loss.backward()
    return loss.item()


def one_epoch(layers, x, y, batch=128, lr=0.01):
    """One epoch of SGD, as model.fit(x, y, { batchSize, epochs: 1, shuffle: false })."""
    opt = torch.optim.SGD(layers.parameters(), lr=lr)
    for i in range(0, x.shape[0], batch):
        opt.zero_grad(set_to_none=True)
        keras_categorical_crossentropy(layers(x[i : i + batch]), y[i : i + batch]).backward()
        opt.step()


def load_exported(layers, export_dir):
    """The weights and data bench/probeCheckWorker.ts wrote (tf.layers layout), into `layers` (PyTorch layout); returns x, y."""
    with open(os.path.join(export_dir, "tensors.json")) as f:
        index = json.load(f)
    blob = np.fromfile(os.path.join(export_dir, "tensors.bin"), dtype="<f4")

    def tensor(entry):
        return torch.from_numpy(blob[entry["offset"] : entry["offset"] + int(np.prod(entry["shape"]))].reshape(entry["shape"]).copy())

    modules = list(layers)
    with torch.no_grad():
        for w in index["weights"]:
            module, value = modules[w["layer"]], tensor(w)
            name = {"kernel": "weight", "depthwise_kernel": "weight", "bias": "bias", "gamma": "weight", "beta": "bias", "moving_mean": "running_mean", "moving_variance": "running_var"}[w["name"]]
            if w["name"] == "kernel" and value.dim() == 4:
                value = value.permute(3, 2, 0, 1)  # [kh, kw, in, out] -> [out, in, kh, kw]
            elif w["name"] == "depthwise_kernel":
                value = value.permute(2, 3, 0, 1).reshape(-1, 1, value.shape[0], value.shape[1])  # [kh, kw, in, 1] -> [in, 1, kh, kw]
            elif w["name"] == "kernel":
                value = value.t()  # dense [in, out] -> [out, in]
            target = getattr(module, name)
            if tuple(target.shape) != tuple(value.shape):
                raise ValueError(f"layer {w['layer']} ({type(module).__name__}) {w['name']}: tf.layers gives {list(value.shape)}, PyTorch has {list(target.shape)}")
            target.copy_(value)
    x = tensor(index["x"])
    if x.dim() == 4:
        x = x.permute(0, 3, 1, 2).contiguous()  # NHWC -> NCHW
    return x, tensor(index["y"])


def check(layers, export_dir):
    """Prints the probe's measurements on the exported weights and data, as JSON, for
    scripts/benchCheck.mjs: in float32 (the pass the bench times) and, as the exact answer both
    engines' float32 rounding is judged against, the same pass in float64."""
    x, y = load_exported(layers, export_dir)
    exact_layers = copy.deepcopy(layers).double()
    loss, probe = probed_pass(layers, x, y)
    exact_loss, exact = probed_pass(exact_layers, x.double(), y.double())
    print(json.dumps({"loss": loss, "handed": probe.handed, "tensors": probe.report(), "exactLoss": exact_loss, "exact": exact.report()}))


def timed(fn):
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def result_line(mode, images, times):
    times = sorted(times)
    return json.dumps({"backend": f"torch {torch.__version__} ({torch.get_num_threads()} threads)", "mode": mode, "images": images, "medianMs": times[len(times) // 2], "timesMs": times, "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})


def run(layers, mode, make_data, images, rounds, warm_up_images):
    """The timed modes: pass, probe (a warm-up on warm_up_images first) and fit (one epoch); prints one JSON line."""
    x, y = make_data(images)
    if mode == "fit":
        one_epoch(layers, x[:128], y[:128])  # warm-up: one batch
        times = [timed(lambda: one_epoch(layers, x, y))]
    else:
        once = (lambda a, b: probed_pass(layers, a, b)) if mode == "probe" else (lambda a, b: plain_pass(layers, a, b))
        once(x[:warm_up_images], y[:warm_up_images])
        times = [timed(lambda: once(x, y)) for _ in range(rounds)]
    print(result_line(mode, images, times))


def setup():
    torch.set_num_threads(os.cpu_count())
    torch.manual_seed(1)
