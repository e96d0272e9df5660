#!/usr/bin/python3
"""Writes the PyTorch fixtures that sparkdet's YOLOv4-tiny tests compare against.

Run with Debian's PyTorch (apt-get install -y python3-torch; /usr/bin/python3), from the repository
root:  /usr/bin/python3 scripts/make_yolov4_tiny_fixture.py

The network is written here independently of sparkdet and of bubbliiiing/yolov4-tiny-pytorch, with
that repository's module names (so its state-dict keys) and a width multiplier, and with its attention
blocks (nets/attention.py) of YoloBody's phi 1-4: se_block, cbam_block, eca_block, CA_Block on feat1,
feat2 and the upsampled P5 (feat1_att, feat2_att, upsample_att); at a width below 1 their reduced
channel counts are at least 1. With YOLOV4_TINY_REFERENCE=<a checkout of
bubbliiiing/yolov4-tiny-pytorch> the script first checks this network against the repository's own
YoloBody for each phi: state-dict names and shapes at full size, and the outputs with the same weights
in eval and train mode. Outputs:
  yolov4_tiny_w025_c3.pth     state dict of the width-0.25, 3-class network, random weights (seed 0),
                              floating tensors stored as float16 to keep the file under 1 MB
  yolov4_tiny_w025_c3_io.pt   {"input": [2,3,64,64], "out0": P5 output, "out1": P4 output} of that
                              network in eval mode, computed in float32 from the float16 weights
  yolov4_tiny_phi<N>_w0125_c3.pth, yolov4_tiny_phi<N>_w0125_c3_io.pt
                              the same for phi 1-4 at width 0.125 (seed N), the files small
  yolov4_tiny_attention_state_dict.txt
                              "phi<N> name shape" per line of the attention blocks' tensors of the
                              full-size network, in order
  legacy_state_dict.pth       a few tensors of several dtypes in the pre-1.6 (non-zip) torch.save format
"""
import math
import os
import sys
from collections import OrderedDict

import torch
import torch.nn as nn

from fixture_common import OUT, assert_same_network, half_weights_and_outputs, randomise, width


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


def reduced(channels, ratio):
    return max(1, channels // ratio)


class SeBlock(nn.Module):
    def __init__(self, channels, ratio=16):
        super().__init__()
        self.fc = nn.Sequential(nn.Linear(channels, reduced(channels, ratio), bias=False), nn.ReLU(),
                                nn.Linear(reduced(channels, ratio), channels, bias=False), nn.Sigmoid())

    def forward(self, x):
        return x * self.fc(x.mean((2, 3))).view(x.shape[0], x.shape[1], 1, 1)


class ChannelAttention(nn.Module):
    def __init__(self, channels, ratio=8):
        super().__init__()
        self.fc1 = nn.Conv2d(channels, reduced(channels, ratio), 1, bias=False)
        self.fc2 = nn.Conv2d(reduced(channels, ratio), channels, 1, bias=False)

    def forward(self, x):
        mlp = lambda y: self.fc2(torch.relu(self.fc1(y)))
        return torch.sigmoid(mlp(x.mean((2, 3), keepdim=True)) + mlp(x.amax((2, 3), keepdim=True)))


class SpatialAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(2, 1, 7, padding=3, bias=False)

    def forward(self, x):
        return torch.sigmoid(self.conv1(torch.cat([x.mean(1, keepdim=True), x.amax(1, keepdim=True)], 1)))


class CbamBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.channelattention = ChannelAttention(channels)
        self.spatialattention = SpatialAttention()

    def forward(self, x):
        x = x * self.channelattention(x)
        return x * self.spatialattention(x)


class EcaBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        k = int(abs((math.log(channels, 2) + 1) / 2))
        k = k if k % 2 else k + 1
        self.conv = nn.Conv1d(1, 1, k, padding=(k - 1) // 2, bias=False)

    def forward(self, x):
        y = self.conv(x.mean((2, 3)).unsqueeze(1))
        return x * torch.sigmoid(y).view(x.shape[0], x.shape[1], 1, 1)


class CaBlock(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        self.conv_1x1 = nn.Conv2d(channels, reduced(channels, reduction), 1, bias=False)
        self.bn = nn.BatchNorm2d(reduced(channels, reduction))
        self.F_h = nn.Conv2d(reduced(channels, reduction), channels, 1, bias=False)
        self.F_w = nn.Conv2d(reduced(channels, reduction), channels, 1, bias=False)

    def forward(self, x):
        h, w = x.shape[2], x.shape[3]
        rows = x.mean(3, keepdim=True).permute(0, 1, 3, 2)
        y = torch.relu(self.bn(self.conv_1x1(torch.cat([rows, x.mean(2, keepdim=True)], 3))))
        y_h, y_w = y.split([h, w], 3)
        return x * torch.sigmoid(self.F_h(y_h.permute(0, 1, 3, 2))) * torch.sigmoid(self.F_w(y_w))


ATTENTION = [None, SeBlock, CbamBlock, EcaBlock, CaBlock]


class YoloV4Tiny(nn.Module):
    def __init__(self, num_classes, w, phi=0):
        super().__init__()
        c = lambda n: width(n, w)
        out = 3 * (5 + num_classes)
        self.phi = phi
        self.backbone = Backbone(w)
        self.conv_for_P5 = BasicConv(c(512), c(256), 1)
        self.yolo_headP5 = head(c(256), c(512), out)
        self.upsample = Upsample(c(256), c(128))
        self.yolo_headP4 = head(c(128) + c(256), c(256), out)
        if phi:
            self.feat1_att = ATTENTION[phi](c(256))
            self.feat2_att = ATTENTION[phi](c(512))
            self.upsample_att = ATTENTION[phi](c(128))

    def forward(self, x):
        feat1, feat2 = self.backbone(x)
        if self.phi:
            feat1, feat2 = self.feat1_att(feat1), self.feat2_att(feat2)
        p5 = self.conv_for_P5(feat2)
        out0 = self.yolo_headP5(p5)
        up = self.upsample(p5)
        if self.phi:
            up = self.upsample_att(up)
        out1 = self.yolo_headP4(torch.cat([up, feat1], 1))
        return out0, out1


# the tiny network's batch-norm scales: its few layers keep the outputs small without capping them at 1
BN_SCALES = (0.5, 1.5)


def randomise_attention(model, gen):
    """the attention blocks' linear layers and 1-D convolutions, which randomise leaves alone"""
    for m in model.modules():
        if isinstance(m, (nn.Linear, nn.Conv1d)):
            m.weight.data.normal_(0, 0.5, generator=gen)


def check_against_reference(path):
    """this network against the repository's YoloBody for each phi: full size, the same random weights"""
    sys.path.insert(0, path)
    from nets.yolo import YoloBody as RefBody

    mask = [[3, 4, 5], [1, 2, 3]]
    for phi in range(5):
        gen = torch.Generator().manual_seed(phi)
        mine = YoloV4Tiny(3, 1.0, phi)
        randomise(mine, gen, BN_SCALES)
        randomise_attention(mine, gen)
        assert_same_network(mine, RefBody(mask, 3, phi), gen, 64, "phi%d" % phi)
    print("matches", path, "(phi 0-4: names and shapes at full size; outputs in eval and train mode)")


def write_fixture(model, gen, name):
    """the model's state dict in float16 and its eval-mode outputs from those rounded weights"""
    half, io = half_weights_and_outputs(model, gen, 64)
    torch.save(half, os.path.join(OUT, name + ".pth"))
    torch.save(io, os.path.join(OUT, name + "_io.pt"))
    print(name, "out0", tuple(io["out0"].shape), float(io["out0"].abs().mean()), "out1", tuple(io["out1"].shape),
          float(io["out1"].abs().mean()))
    return half


def main():
    if os.environ.get("YOLOV4_TINY_REFERENCE"):
        check_against_reference(os.environ["YOLOV4_TINY_REFERENCE"])
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(0)
    model = YoloV4Tiny(3, 0.25)
    randomise(model, gen, BN_SCALES)
    os.makedirs(OUT, exist_ok=True)
    half = write_fixture(model, gen, "yolov4_tiny_w025_c3")
    for phi in range(1, 5):
        gen_phi = torch.Generator().manual_seed(phi)
        attentive = YoloV4Tiny(3, 0.125, phi)
        randomise(attentive, gen_phi, BN_SCALES)
        randomise_attention(attentive, gen_phi)
        write_fixture(attentive, gen_phi, "yolov4_tiny_phi%d_w0125_c3" % phi)
    with open(os.path.join(OUT, "yolov4_tiny_attention_state_dict.txt"), "w") as f:
        for phi in range(1, 5):
            for k, v in YoloV4Tiny(80, 1.0, phi).state_dict().items():
                if "_att." in k:
                    f.write("phi%d %s %s\n" % (phi, k, list(v.shape)))
    legacy = OrderedDict([
        ("a.weight", torch.arange(6, dtype=torch.float32).reshape(2, 3) / 4),
        ("a.half", torch.tensor([0.5, -2.0], dtype=torch.float16)),
        ("a.double", torch.tensor([[1.25]], dtype=torch.float64)),
        ("b.num_batches_tracked", torch.tensor(42, dtype=torch.int64)),
        ("b.view", torch.arange(10, dtype=torch.float32)[2:8:2]),
    ])
    torch.save(legacy, os.path.join(OUT, "legacy_state_dict.pth"), _use_new_zipfile_serialization=False)
    for k, v in half.items():
        print(k, tuple(v.shape), v.dtype)


if __name__ == "__main__":
    main()
