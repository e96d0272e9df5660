#!/usr/bin/python3
"""Writes the PyTorch fixtures that sparkdet's YOLOv3 tests (sparkdet.models.yolov3) compare against.

Run with Debian's PyTorch (apt-get install -y python3-torch; /usr/bin/python3), from the repository
root:  /usr/bin/python3 scripts/make_yolov3_fixture.py

The network is written here independently of sparkdet, with the module names of
bubbliiiing/yolo3-pytorch (so its state-dict keys): nets/darknet.py (DarkNet-53: conv1/bn1/relu1 stem,
layer1..layer5 each a stride-2 ds_conv/ds_bn/ds_relu then 1, 2, 8, 8, 4 residual_<i> BasicBlocks of a
1x1 then a 3x3 conv + BN + LeakyReLU(0.1), the residual added after the second activation) and
nets/yolo.py (YoloBody: last_layer0/1/2 = five conv sets 1x1/3x3/1x1/3x3/1x1, a 3x3 and a 1x1 conv with
bias to 3 * (5 + classes); last_layer1_conv/last_layer2_conv 1x1 then nearest 2x upsampling,
concatenated before the backbone feature; outputs P5, P4, P3). A width multiplier scales every channel
count (multiples of 8, at least 8, rounding half to even as sparkdet's Widths).
With YOLOV3_REFERENCE=<a checkout of bubbliiiing/yolo3-pytorch> the script first checks this network
against the repository's own YoloBody: state-dict names and shapes at full size, and the outputs with
the same weights in eval and train mode; and last prints the repository's YOLOLoss (nets/yolo_training.py,
GIoU box term) on the fixture's outputs for BOXES, summed over the three outputs as utils_fit.py does,
and the sums of absolute values of its gradients with respect to each output: the numbers
YoloV3LossTest expects.

Outputs, in pipeline/src/test/resources/fixtures/:
  yolov3_w00625_c3.pth        state dict of the width-0.0625 (1/16), 3-class network, random weights (seed 0),
                            floating tensors stored as float16 to keep the file under 1 MB
  yolov3_w00625_c3_io.pt      {"input": [2,3,64,64], "out0", "out1", "out2": P5, P4, P3} of that network in
                            eval mode, computed in float32 from the float16 weights
  yolov3_state_dict.txt     "name shape" per line of the full-size network (80 classes), in order
"""
import os
import sys
from collections import OrderedDict

import torch
import torch.nn as nn

from fixture_common import OUT, assert_same_network, half_weights_and_outputs, print_reference_loss, randomise, width

MASK = [[6, 7, 8], [3, 4, 5], [0, 1, 2]]
DEPTHS = [1, 2, 8, 8, 4]
WIDTH = 0.0625
CLASSES = 3
SIZE = 64


def leaky():
    return nn.LeakyReLU(0.1)


class Residual(nn.Module):
    def __init__(self, cin, mid):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, mid, 1, 1, 0, bias=False)
        self.bn1 = nn.BatchNorm2d(mid)
        self.relu1 = leaky()
        self.conv2 = nn.Conv2d(mid, cin, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cin)
        self.relu2 = leaky()

    def forward(self, x):
        return self.relu2(self.bn2(self.conv2(self.relu1(self.bn1(self.conv1(x)))))) + x


class Backbone(nn.Module):
    def __init__(self, w):
        super().__init__()
        c = lambda n: width(n, w)
        self.conv1 = nn.Conv2d(3, c(32), 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(c(32))
        self.relu1 = leaky()
        cin = c(32)
        for i, d in enumerate(DEPTHS):
            mid, cout = c(32 << i), c(64 << i)
            parts = [("ds_conv", nn.Conv2d(cin, cout, 3, 2, 1, bias=False)), ("ds_bn", nn.BatchNorm2d(cout)),
                     ("ds_relu", leaky())]
            parts += [("residual_%d" % j, Residual(cout, mid)) for j in range(d)]
            setattr(self, "layer%d" % (i + 1), nn.Sequential(OrderedDict(parts)))
            cin = cout

    def forward(self, x):
        x = self.relu1(self.bn1(self.conv1(x)))
        x = self.layer2(self.layer1(x))
        c3 = self.layer3(x)
        c4 = self.layer4(c3)
        return c3, c4, self.layer5(c4)


def conv_set(cin, cout, k):
    return nn.Sequential(OrderedDict([("conv", nn.Conv2d(cin, cout, k, 1, k // 2, bias=False)),
                                      ("bn", nn.BatchNorm2d(cout)), ("relu", leaky())]))


def last_layers(cin, a, b, out):
    return nn.Sequential(conv_set(cin, a, 1), conv_set(a, b, 3), conv_set(b, a, 1), conv_set(a, b, 3),
                         conv_set(b, a, 1), conv_set(a, b, 3), nn.Conv2d(b, out, 1, 1, 0, bias=True))


class YoloV3(nn.Module):
    def __init__(self, num_classes, w=1.0):
        super().__init__()
        c = lambda n: width(n, w)
        out = 3 * (5 + num_classes)
        self.backbone = Backbone(w)
        self.last_layer0 = last_layers(c(1024), c(512), c(1024), out)
        self.last_layer1_conv = conv_set(c(512), c(256), 1)
        self.last_layer1_upsample = nn.Upsample(scale_factor=2, mode="nearest")
        self.last_layer1 = last_layers(c(512) + c(256), c(256), c(512), out)
        self.last_layer2_conv = conv_set(c(256), c(128), 1)
        self.last_layer2_upsample = nn.Upsample(scale_factor=2, mode="nearest")
        self.last_layer2 = last_layers(c(256) + c(128), c(128), c(256), out)

    def forward(self, x):
        c3, c4, c5 = self.backbone(x)
        b0 = self.last_layer0[:5](c5)
        out0 = self.last_layer0[5:](b0)
        b1 = self.last_layer1[:5](torch.cat([self.last_layer1_upsample(self.last_layer1_conv(b0)), c4], 1))
        out1 = self.last_layer1[5:](b1)
        out2 = self.last_layer2(torch.cat([self.last_layer2_upsample(self.last_layer2_conv(b1)), c3], 1))
        return out0, out1, out2


def check_against_reference(path):
    """this network against the repository's YoloBody: full size, the same random weights"""
    sys.path.insert(0, path)
    from nets.yolo import YoloBody as RefBody

    gen = torch.Generator().manual_seed(1)
    mine = YoloV3(CLASSES)
    randomise(mine, gen)
    assert_same_network(mine, RefBody(MASK, CLASSES), gen, SIZE, "yolov3")
    assert [(k, v.shape) for k, v in YoloV3(80).state_dict().items()] == \
        [(k, v.shape) for k, v in RefBody(MASK, 80).state_dict().items()]
    print("matches", path, "(names and shapes at full size; outputs in eval and train mode)")


# per picture: x1, y1, x2, y2 in input pixels, class (YoloV3LossTest.BOXES)
BOXES = [[[4, 6, 30, 40, 2], [20, 22, 60, 50, 0], [33, 1, 44, 9, 1], [2, 40, 12, 62, 0]], [[10, 10, 54, 58, 1]]]
ANCHORS = [(10, 13), (16, 30), (33, 23), (30, 61), (62, 45), (59, 119), (116, 90), (156, 198), (373, 326)]


def reference_loss(path, io):
    """the repository's YOLOLoss on the fixture outputs (float32, CPU), as YoloV3LossTest expects it"""
    sys.path.insert(0, path)
    import numpy as np
    from nets.yolo_training import YOLOLoss as RefLoss

    loss_fn = RefLoss(np.array(ANCHORS, dtype=np.float32), CLASSES, [SIZE, SIZE], False, MASK)
    print_reference_loss(loss_fn, io, BOXES, SIZE, "")


def main():
    if os.environ.get("YOLOV3_REFERENCE"):
        check_against_reference(os.environ["YOLOV3_REFERENCE"])
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(0)
    model = YoloV3(CLASSES, WIDTH)
    randomise(model, gen)
    half, io = half_weights_and_outputs(model, gen, SIZE)
    os.makedirs(OUT, exist_ok=True)
    torch.save(half, os.path.join(OUT, "yolov3_w00625_c3.pth"))
    torch.save(io, os.path.join(OUT, "yolov3_w00625_c3_io.pt"))
    with open(os.path.join(OUT, "yolov3_state_dict.txt"), "w") as f:
        for k, v in YoloV3(80).state_dict().items():
            f.write("%s %s\n" % (k, list(v.shape)))
    for k in sorted(io):
        print(k, tuple(io[k].shape), float(io[k].abs().mean()))
    print(len(half), "tensors in the fixture state dict")
    if os.environ.get("YOLOV3_REFERENCE"):
        reference_loss(os.environ["YOLOV3_REFERENCE"], io)


if __name__ == "__main__":
    main()
