#!/usr/bin/python3
"""Writes the PyTorch fixtures that sparkdet's YOLOv4 tests (sparkdet.models.yolov4) compare against.

Run with Debian's PyTorch (apt-get install -y python3-torch; /usr/bin/python3), from the repository
root:  /usr/bin/python3 scripts/make_yolov4_fixture.py

The network is written here independently of sparkdet, with the module names of
bubbliiiing/yolov4-pytorch (so its state-dict keys): nets/CSPdarknet.py (CSPDarkNet([1, 2, 8, 8, 4]):
BasicConv = conv/bn/activation with Mish; conv1 then stages.0..4, each a Resblock_body of a stride-2
downsample_conv, split_conv0 (the bypass), split_conv1 then blocks_conv (Resblocks of a 1x1 and a 3x3
BasicConv in block.0/block.1, the input added, then a 1x1 BasicConv), and concat_conv on
cat(blocks, bypass); the first stage keeps all channels in both branches, the others halve them) and
nets/yolo.py (YoloBody: conv1 three convs, SPP (max pools 13, 9, 5 and the input), conv2 three convs,
the PANet upsample1/conv_for_P4/make_five_conv1, upsample2/conv_for_P3/make_five_conv2, yolo_head3,
down_sample1/make_five_conv3, yolo_head2, down_sample2/make_five_conv4, yolo_head1; the neck's conv2d
is conv/bn/relu with LeakyReLU(0.1); outputs P5, P4, P3). A width multiplier scales every channel
count (multiples of 8, at least 8, rounding half to even as sparkdet's Widths).
With YOLOV4_REFERENCE=<a checkout of bubbliiiing/yolov4-pytorch> the script first checks this network
against the repository's own YoloBody: state-dict names and shapes at full size, and the outputs with
the same weights in eval and train mode; and last prints the repository's YOLOLoss (nets/yolo_training.py,
CIoU box term) on the fixture's outputs for BOXES, summed over the three outputs as utils_fit.py does,
without and with its focal loss, and the sums of absolute values of the gradients with respect to each
output: the numbers YoloV4LossTest expects.

Outputs, in pipeline/src/test/resources/fixtures/:
  yolov4_w00625_c3.pth        state dict of the width-0.0625 (1/16), 3-class network, random weights (seed 0),
                              floating tensors stored as float16 to keep the file under 1 MB
  yolov4_w00625_c3_io.pt      {"input": [2,3,64,64], "out0", "out1", "out2": P5, P4, P3} of that network in
                              eval mode, computed in float32 from the float16 weights
  yolov4_state_dict.txt       "name shape" per line of the full-size network (80 classes), in order
"""
import os
import sys
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F

from fixture_common import OUT, assert_same_network, half_weights_and_outputs, print_reference_loss, randomise, width

MASK = [[6, 7, 8], [3, 4, 5], [0, 1, 2]]
DEPTHS = [1, 2, 8, 8, 4]
WIDTH = 0.0625
CLASSES = 3
SIZE = 64


class Mish(nn.Module):
    def forward(self, x):
        return x * torch.tanh(F.softplus(x))


class BasicConv(nn.Module):
    def __init__(self, cin, cout, k, stride=1):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, k // 2, bias=False)
        self.bn = nn.BatchNorm2d(cout)
        self.activation = Mish()

    def forward(self, x):
        return self.activation(self.bn(self.conv(x)))


class Resblock(nn.Module):
    def __init__(self, channels, hidden):
        super().__init__()
        self.block = nn.Sequential(BasicConv(channels, hidden, 1), BasicConv(hidden, channels, 3))

    def forward(self, x):
        return x + self.block(x)


class ResblockBody(nn.Module):
    def __init__(self, cin, cout, blocks, first):
        super().__init__()
        self.downsample_conv = BasicConv(cin, cout, 3, 2)
        inner = cout if first else cout // 2
        self.split_conv0 = BasicConv(cout, inner, 1)
        self.split_conv1 = BasicConv(cout, inner, 1)
        residuals = [Resblock(inner, cout // 2 if first else inner) for _ in range(blocks)]
        self.blocks_conv = nn.Sequential(*residuals, BasicConv(inner, inner, 1))
        self.concat_conv = BasicConv(2 * inner, cout, 1)

    def forward(self, x):
        x = self.downsample_conv(x)
        bypass = self.split_conv0(x)
        return self.concat_conv(torch.cat([self.blocks_conv(self.split_conv1(x)), bypass], 1))


class Backbone(nn.Module):
    def __init__(self, w):
        super().__init__()
        c = lambda n: width(n, w)
        self.conv1 = BasicConv(3, c(32), 3)
        cin = c(32)
        stages = []
        for i, d in enumerate(DEPTHS):
            stages.append(ResblockBody(cin, c(64 << i), d, i == 0))
            cin = c(64 << i)
        self.stages = nn.ModuleList(stages)

    def forward(self, x):
        x = self.stages[1](self.stages[0](self.conv1(x)))
        c3 = self.stages[2](x)
        c4 = self.stages[3](c3)
        return c3, c4, self.stages[4](c4)


def conv2d(cin, cout, k, stride=1):
    return nn.Sequential(OrderedDict([("conv", nn.Conv2d(cin, cout, k, stride, k // 2, bias=False)),
                                      ("bn", nn.BatchNorm2d(cout)), ("relu", nn.LeakyReLU(0.1))]))


def alternating(narrow, wide, cin, n):
    """make_three_conv (n = 3), make_five_conv (n = 5): 1x1 to narrow, 3x3 to wide, ..., 1x1 to narrow"""
    return nn.Sequential(*[conv2d(cin if i == 0 else narrow if i % 2 == 1 else wide, narrow if i % 2 == 0 else wide,
                                  1 if i % 2 == 0 else 3) for i in range(n)])


class Upsample(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.upsample = nn.Sequential(conv2d(cin, cout, 1), nn.Upsample(scale_factor=2, mode="nearest"))

    def forward(self, x):
        return self.upsample(x)


def yolo_head(cin, mid, cout):
    return nn.Sequential(conv2d(cin, mid, 3), nn.Conv2d(mid, cout, 1))


def spp(x):
    return torch.cat([F.max_pool2d(x, k, 1, k // 2) for k in (13, 9, 5)] + [x], 1)


class YoloV4(nn.Module):
    def __init__(self, num_classes, w=1.0):
        super().__init__()
        c = lambda n: width(n, w)
        out = 3 * (5 + num_classes)
        self.backbone = Backbone(w)
        self.conv1 = alternating(c(512), c(1024), c(1024), 3)
        self.conv2 = alternating(c(512), c(1024), 4 * c(512), 3)
        self.upsample1 = Upsample(c(512), c(256))
        self.conv_for_P4 = conv2d(c(512), c(256), 1)
        self.make_five_conv1 = alternating(c(256), c(512), 2 * c(256), 5)
        self.upsample2 = Upsample(c(256), c(128))
        self.conv_for_P3 = conv2d(c(256), c(128), 1)
        self.make_five_conv2 = alternating(c(128), c(256), 2 * c(128), 5)
        self.yolo_head3 = yolo_head(c(128), c(256), out)
        self.down_sample1 = conv2d(c(128), c(256), 3, 2)
        self.make_five_conv3 = alternating(c(256), c(512), 2 * c(256), 5)
        self.yolo_head2 = yolo_head(c(256), c(512), out)
        self.down_sample2 = conv2d(c(256), c(512), 3, 2)
        self.make_five_conv4 = alternating(c(512), c(1024), 2 * c(512), 5)
        self.yolo_head1 = yolo_head(c(512), c(1024), out)

    def forward(self, x):
        c3, c4, c5 = self.backbone(x)
        p5 = self.conv2(spp(self.conv1(c5)))
        p4 = self.make_five_conv1(torch.cat([self.conv_for_P4(c4), self.upsample1(p5)], 1))
        p3 = self.make_five_conv2(torch.cat([self.conv_for_P3(c3), self.upsample2(p4)], 1))
        p4 = self.make_five_conv3(torch.cat([self.down_sample1(p3), p4], 1))
        p5 = self.make_five_conv4(torch.cat([self.down_sample2(p4), p5], 1))
        return self.yolo_head1(p5), self.yolo_head2(p4), self.yolo_head3(p3)


def check_against_reference(path):
    """this network against the repository's YoloBody: full size, the same random weights"""
    sys.path.insert(0, path)
    from nets.yolo import YoloBody as RefBody

    gen = torch.Generator().manual_seed(1)
    mine = YoloV4(CLASSES)
    randomise(mine, gen)
    assert_same_network(mine, RefBody(MASK, CLASSES), gen, SIZE, "yolov4")
    assert [(k, v.shape) for k, v in YoloV4(80).state_dict().items()] == \
        [(k, v.shape) for k, v in RefBody(MASK, 80).state_dict().items()]
    print("matches", path, "(names and shapes at full size; outputs in eval and train mode)")


# per picture: x1, y1, x2, y2 in input pixels, class (YoloV4LossTest.BOXES)
BOXES = [[[4, 6, 30, 40, 2], [20, 22, 60, 50, 0], [33, 1, 44, 9, 1], [2, 40, 12, 62, 0]], [[10, 10, 54, 58, 1]]]
# model_data/yolo_anchors.txt
ANCHORS = [(12, 16), (19, 36), (40, 28), (36, 75), (76, 55), (72, 146), (142, 110), (192, 243), (459, 401)]


def reference_loss(path, io):
    """the repository's YOLOLoss on the fixture outputs (float32, CPU), as YoloV4LossTest expects it:
    train.py's settings (label smoothing 0, CIoU), without and with focal loss (alpha 0.25, gamma 2)"""
    sys.path.insert(0, path)
    import numpy as np
    from nets.yolo_training import YOLOLoss as RefLoss

    for focal in (False, True):
        loss_fn = RefLoss(np.array(ANCHORS, dtype=np.float32), CLASSES, [SIZE, SIZE], False, MASK, 0, focal, 0.25, 2,
                          "ciou")
        print_reference_loss(loss_fn, io, BOXES, SIZE, " (focal_loss %s)" % focal)


def main():
    if os.environ.get("YOLOV4_REFERENCE"):
        check_against_reference(os.environ["YOLOV4_REFERENCE"])
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(0)
    model = YoloV4(CLASSES, WIDTH)
    randomise(model, gen)
    half, io = half_weights_and_outputs(model, gen, SIZE)
    os.makedirs(OUT, exist_ok=True)
    torch.save(half, os.path.join(OUT, "yolov4_w00625_c3.pth"))
    torch.save(io, os.path.join(OUT, "yolov4_w00625_c3_io.pt"))
    with open(os.path.join(OUT, "yolov4_state_dict.txt"), "w") as f:
        for k, v in YoloV4(80).state_dict().items():
            f.write("%s %s\n" % (k, list(v.shape)))
    for k in sorted(io):
        print(k, tuple(io[k].shape), float(io[k].abs().mean()), float(io[k].abs().max()))
    print(len(half), "tensors in the fixture state dict,",
          sum(v.numel() for k, v in model.named_parameters()), "parameters")
    if os.environ.get("YOLOV4_REFERENCE"):
        reference_loss(os.environ["YOLOV4_REFERENCE"], io)


if __name__ == "__main__":
    main()
