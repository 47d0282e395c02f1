"""The MobileNet row's reference for scripts/bench.mjs: bench/benchModels.ts's buildMobileNetV1 in
PyTorch (NCHW): MobileNet v1, alpha 1.0, at 224 x 224 x 3: conv 3x3 32 stride 2, 13
depthwise-separable blocks (nn.Conv2d with groups=channels, BatchNorm, ReLU6, 1x1 conv,
BatchNorm, ReLU6), global average pooling, dense 1000 with softmax, tf.layers' categorical
cross-entropy; 'same' padding as tf.layers pads (after, on a stride-2 layer), no biases before
BatchNorm. On N(0, 1) images with random labels.

    pass   forward and backward
    probe  the same, measuring what InitLab's probe measures, each distinct tensor once, with the
           fewest passes torch offers (bench/torch_probe.py)
    check  one probed pass on the weights and data bench/probeCheckWorker.ts exported to <dir>

    /usr/bin/python3 bench/mobilenet_torch.py <pass|probe> <images> <rounds>
    /usr/bin/python3 bench/mobilenet_torch.py check <dir>
"""
import sys

import torch
import torch.nn as nn

from torch_probe import Activation, BatchNorm, DenseSoftmax, GlobalAveragePooling, SameConv2d, check, run, setup

WARM_UP_IMAGES = 2
BLOCKS = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1)]


def build():
    relu6 = lambda: Activation(nn.functional.relu6)
    layers = [SameConv2d(3, 32, 3, 2, bias=False), BatchNorm(32), relu6()]
    channels = 32
    for filters, stride in BLOCKS:
        layers += [SameConv2d(channels, channels, 3, stride, groups=channels, bias=False), BatchNorm(channels), relu6()]
        layers += [SameConv2d(channels, filters, 1, bias=False), BatchNorm(filters), relu6()]
        channels = filters
    layers += [GlobalAveragePooling(), DenseSoftmax(channels, 1000)]
    # tf.layers' defaults: Glorot uniform kernels, zero dense bias.
    for m in layers:
        if isinstance(m, (SameConv2d, DenseSoftmax)):
            nn.init.xavier_uniform_(m.weight)
    nn.init.zeros_(layers[-1].bias)
    return nn.Sequential(*layers)


def images(n):
    return torch.randn(n, 3, 224, 224), nn.functional.one_hot(torch.randint(0, 1000, (n,)), 1000).float()


if __name__ == "__main__":
    setup()
    if sys.argv[1] == "check":
        check(build(), sys.argv[2])
    else:
        mode, n, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
        run(build(), mode, images, n, rounds, WARM_UP_IMAGES)
