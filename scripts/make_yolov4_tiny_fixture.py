#!/usr/bin/python3
"""Writes the PyTorch fixtures that sparkdet's YOLOv4-tiny tests compare against.

Run with Debian's PyTorch (apt-get install -y python3-torch; /usr/bin/python3), from the repository
root:  /usr/bin/python3 scripts/make_yolov4_tiny_fixture.py

The network is written here independently of sparkdet and of bubbliiiing/yolov4-tiny-pytorch, with
that repository's module names (so its state-dict keys) and a width multiplier. Outputs:
  yolov4_tiny_w025_c3.pth     state dict of the width-0.25, 3-class network, random weights (seed 0),
                              floating tensors stored as float16 to keep the file under 1 MB
  yolov4_tiny_w025_c3_io.pt   {"input": [2,3,64,64], "out0": P5 output, "out1": P4 output} of that
                              network in eval mode, computed in float32 from the float16 weights
  legacy_state_dict.pth       a few tensors of several dtypes in the pre-1.6 (non-zip) torch.save format
"""
import math
import os
from collections import OrderedDict

import torch
import torch.nn as nn

OUT = os.path.join("pipeline", "src", "test", "resources", "fixtures")


def width(n, w):
    return max(8, int(round(n * w / 8)) * 8)


class BasicConv(nn.Module):
    def __init__(self, cin, cout, k, stride=1):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, k // 2, bias=False)
        self.bn = nn.BatchNorm2d(cout)
        self.activation = nn.LeakyReLU(0.1)

    def forward(self, x):
        return self.activation(self.bn(self.conv(x)))


class ResblockBody(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv1 = BasicConv(cin, cout, 3)
        self.conv2 = BasicConv(cout // 2, cout // 2, 3)
        self.conv3 = BasicConv(cout // 2, cout // 2, 3)
        self.conv4 = BasicConv(cout, cout, 1)
        self.maxpool = nn.MaxPool2d(2, 2)

    def forward(self, x):
        route = self.conv1(x)
        half = route.shape[1] // 2
        a = self.conv2(route[:, half:])
        b = self.conv3(a)
        feat = self.conv4(torch.cat([b, a], 1))
        return self.maxpool(torch.cat([route, feat], 1)), feat


class Backbone(nn.Module):
    def __init__(self, w):
        super().__init__()
        c = lambda n: width(n, w)
        self.conv1 = BasicConv(3, c(32), 3, 2)
        self.conv2 = BasicConv(c(32), c(64), 3, 2)
        self.resblock_body1 = ResblockBody(c(64), c(64))
        self.resblock_body2 = ResblockBody(c(128), c(128))
        self.resblock_body3 = ResblockBody(c(256), c(256))
        self.conv3 = BasicConv(c(512), c(512), 3)

    def forward(self, x):
        x = self.conv2(self.conv1(x))
        x, _ = self.resblock_body1(x)
        x, _ = self.resblock_body2(x)
        x, feat1 = self.resblock_body3(x)
        return feat1, self.conv3(x)


class Upsample(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.upsample = nn.Sequential(BasicConv(cin, cout, 1), nn.Upsample(scale_factor=2, mode="nearest"))

    def forward(self, x):
        return self.upsample(x)


def head(cin, mid, cout):
    return nn.Sequential(BasicConv(cin, mid, 3), nn.Conv2d(mid, cout, 1))


class YoloV4Tiny(nn.Module):
    def __init__(self, num_classes, w):
        super().__init__()
        c = lambda n: width(n, w)
        out = 3 * (5 + num_classes)
        self.backbone = Backbone(w)
        self.conv_for_P5 = BasicConv(c(512), c(256), 1)
        self.yolo_headP5 = head(c(256), c(512), out)
        self.upsample = Upsample(c(256), c(128))
        self.yolo_headP4 = head(c(128) + c(256), c(256), out)

    def forward(self, x):
        feat1, feat2 = self.backbone(x)
        p5 = self.conv_for_P5(feat2)
        out0 = self.yolo_headP5(p5)
        out1 = self.yolo_headP4(torch.cat([self.upsample(p5), feat1], 1))
        return out0, out1


def randomise(model, gen):
    """weights as the repository initialises its backbone, BN statistics away from 0/1 so eval mode is exercised"""
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            n = m.kernel_size[0] * m.kernel_size[1] * m.out_channels
            m.weight.data.normal_(0, math.sqrt(2.0 / n), generator=gen)
            if m.bias is not None:
                m.bias.data.uniform_(-0.5, 0.5, generator=gen)
        elif isinstance(m, nn.BatchNorm2d):
            m.weight.data.uniform_(0.5, 1.5, generator=gen)
            m.bias.data.normal_(0, 0.1, generator=gen)
            m.running_mean.normal_(0, 0.1, generator=gen)
            m.running_var.uniform_(0.5, 1.5, generator=gen)
            m.num_batches_tracked.fill_(7)


def main():
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(0)
    model = YoloV4Tiny(3, 0.25)
    randomise(model, gen)
    # float16 on disk; the reference outputs use exactly those rounded values
    half = OrderedDict((k, v.half() if v.is_floating_point() else v) for k, v in model.state_dict().items())
    model.load_state_dict(OrderedDict((k, v.float() if v.is_floating_point() else v) for k, v in half.items()))
    model.eval()
    x = torch.rand(2, 3, 64, 64, generator=gen)
    with torch.no_grad():
        out0, out1 = model(x)
    os.makedirs(OUT, exist_ok=True)
    torch.save(half, os.path.join(OUT, "yolov4_tiny_w025_c3.pth"))
    torch.save({"input": x, "out0": out0, "out1": out1}, os.path.join(OUT, "yolov4_tiny_w025_c3_io.pt"))
    legacy = OrderedDict([
        ("a.weight", torch.arange(6, dtype=torch.float32).reshape(2, 3) / 4),
        ("a.half", torch.tensor([0.5, -2.0], dtype=torch.float16)),
        ("a.double", torch.tensor([[1.25]], dtype=torch.float64)),
        ("b.num_batches_tracked", torch.tensor(42, dtype=torch.int64)),
        ("b.view", torch.arange(10, dtype=torch.float32)[2:8:2]),
    ])
    torch.save(legacy, os.path.join(OUT, "legacy_state_dict.pth"), _use_new_zipfile_serialization=False)
    print("out0", tuple(out0.shape), float(out0.abs().mean()), "out1", tuple(out1.shape), float(out1.abs().mean()))
    for k, v in half.items():
        print(k, tuple(v.shape), v.dtype)


if __name__ == "__main__":
    main()
