"""The CNN rows' reference for scripts/bench.mjs: bench/benchModels.ts's buildCnn in PyTorch (NCHW):
conv 3x3 16, conv 3x3 32 stride 2, conv 3x3 64 stride 2, each with BatchNorm (training mode,
tf.layers' epsilon) and ReLU, global average pooling, dense 10 with softmax, tf.layers'
categorical cross-entropy, on MNIST images.

    pass   forward and backward
    probe  the same, measuring what InitLab's probe measures, each distinct tensor once, with the
           fewest passes torch offers (bench/torch_probe.py)
    fit    one epoch of SGD at 0.01, batch 128
    check  one probed pass on the weights and data bench/probeCheckWorker.ts exported to <dir>;
           prints every measurement (scripts/benchCheck.mjs compares them with InitLab's)

    /usr/bin/python3 bench/cnn_torch.py <pass|probe|fit> <images> <rounds> <mnist-images.idx>
    /usr/bin/python3 bench/cnn_torch.py check <dir>
"""
import sys

import numpy as np
import torch
import torch.nn as nn

from torch_probe import Activation, BatchNorm, DenseSoftmax, GlobalAveragePooling, SameConv2d, check, run, setup

WARM_UP_IMAGES = 500


def build():
    def block(cin, cout, stride):
        return [SameConv2d(cin, cout, 3, stride), BatchNorm(cout), Activation(torch.relu)]

    layers = nn.Sequential(*block(1, 16, 1), *block(16, 32, 2), *block(32, 64, 2), GlobalAveragePooling(), DenseSoftmax(64, 10))
    # As buildCnn: He normal kernels, zero biases, Glorot uniform for the dense layer.
    for m in layers:
        if isinstance(m, SameConv2d):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            nn.init.zeros_(m.bias)
    nn.init.xavier_uniform_(layers[-1].weight)
    nn.init.zeros_(layers[-1].bias)
    return layers


def mnist(idx):
    def make(images):
        raw = np.fromfile(idx, dtype=np.uint8, offset=16)[: images * 784].astype(np.float32) / 256
        x = torch.from_numpy((raw - raw.mean()) / raw.std()).reshape(images, 1, 28, 28)
        labels = np.fromfile(idx.replace("images-idx3", "labels-idx1"), dtype=np.uint8, offset=8)[:images]
        return x, nn.functional.one_hot(torch.from_numpy(labels.astype(np.int64)), 10).float()

    return make


if __name__ == "__main__":
    setup()
    if sys.argv[1] == "check":
        check(build(), sys.argv[2])
    else:
        mode, images, rounds, idx = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
        run(build(), mode, mnist(idx), images, rounds, WARM_UP_IMAGES)
