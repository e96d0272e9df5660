#!/usr/bin/python3
"""Writes the ONNX / TorchScript fixtures that sparkdet's inference tests load.

Run with Debian's PyTorch (/usr/bin/python3, torch 1.13; the onnx / onnxruntime Python packages are
not needed), from the repository root:

    /usr/bin/python3 scripts/make_inference_fixtures.py               # the test fixtures
    /usr/bin/python3 scripts/make_inference_fixtures.py --full DIR    # full-size models for benchmarks

All ONNX graphs use opset 13, constant folding, one float input `images` [N,3,H,W] with a dynamic
batch N (H and W fixed), and float outputs whose batch is N. Every model has a HOCON sidecar
`<model file>.conf`. Outputs in pipeline/src/test/resources/fixtures/infer/:

heads_constant.onnx (+ .conf, heads_constant.classes = "cat", "dog")
    input images [N,3,64,64]; outputs out0 [N,21,2,2] (stride 32, anchors-mask [3,4,5]) and
    out1 [N,21,4,4] (stride 16, anchors-mask [1,2,3]); the values ignore the input. Layout
    yolo-anchors: channel a*7+k, k = tx, ty, tw, th, obj, class0 (cat), class1 (dog), raw logits.
    Decoding: cx = (col + sigmoid(tx)) * stride, cy = (row + sigmoid(ty)) * stride,
    w = anchor_w * exp(tw), h = anchor_h * exp(th), score = sigmoid(obj) * sigmoid(class).
    Anchors (input pixels) [10,14, 23,27, 37,58, 81,82, 135,169, 344,319]. Every logit is -20
    (sigmoid 2.06e-9) except these three cells (s = sigmoid(20) = 1 - 2.06e-9):
      A  out0 slot a=1 (anchor 4 = 135x169), row 0, col 1: tx=ty=tw=th=0, obj=+20, cat=-20, dog=+20
         -> dog, score s*s = 0.999999996, centre (48,16), size 135x169,
            corners x1,y1,x2,y2 = (-19.5, -68.5, 115.5, 100.5)   [clipped to the image: 0,0,64,64]
      B  out1 slot a=0 (anchor 1 = 23x27), row 2, col 1: tx=ty=th=0, tw=ln 2, obj=+20, cat=+20, dog=-20
         -> cat, score s*s = 0.999999996, centre (24,40), size 46x27,
            corners (1, 26.5, 47, 53.5)
      C  out1 slot a=2 (anchor 3 = 81x82), row 3, col 3: tx=ty=tw=th=0, obj=0, cat=0, dog=-20
         -> cat, score 0.5*0.5 = 0.25 (dog: 1.0e-9), centre (56,56), size 81x82,
            corners (15.5, 15, 96.5, 97)   [clipped: 15.5,15,64,64]
    All other (cell, anchor) pairs score sigmoid(-20)^2 ~ 4e-18 (or 1.0e-9 for C's dog).

yolov8_constant.onnx (+ .conf, classes [cat, dog])
    input images [N,3,64,64]; output output0 [N,6,84] (Ultralytics layout: rows cx, cy, w, h in input
    pixels, then the class probabilities; no objectness; 84 = 8*8 + 4*4 + 2*2 anchor points). All
    zeros except two columns:
      column  5: cx=20, cy=30, w=16, h=24, cat=0.10, dog=0.90
         -> dog 0.90, corners (12, 18, 28, 42)   (cat 0.10 for the same box if multi-label)
      column 40: cx=50, cy=10, w=8,  h=8,  cat=0.60, dog=0.05
         -> cat 0.60, corners (46, 6, 54, 14)    (dog 0.05 if multi-label)
    Every other column has size 0 and class scores 0.

yolox_constant.onnx (+ .conf, classes [cat, dog]; no normalize: the yolox layout's default, the
    reference's ImageNet mean and std)
    input images [N,3,64,64]; outputs out0 [N,7,8,8] (stride 8), out1 [N,7,4,4] (stride 16), out2
    [N,7,2,2] (stride 32); the values ignore the input. Layout yolox (bubbliiiing/yolox-pytorch's
    decode_outputs): channels tx, ty, tw, th, obj, cat, dog, raw. Decoding: cx = (col + tx) * stride,
    cy = (row + ty) * stride, w = exp(tw) * stride, h = exp(th) * stride, score = sigmoid(obj) *
    sigmoid(best class). Every value is 0 except obj and the classes, -20 (sigmoid 2.06e-9), and
    these three cells (s = sigmoid(20) = 1 - 2.06e-9):
      A  out0 row 2, col 3: tx=0.5, ty=0.25, tw=ln 2, th=0, obj=+20, cat=+20, dog=-20
         -> cat, score s*s = 0.999999996, centre ((3 + 0.5) 8, (2 + 0.25) 8) = (28, 18),
            size (2 x 8, 8) = 16 x 8, corners x1,y1,x2,y2 = (20, 14, 36, 22)
      B  out2 row 1, col 0: tx=0.5, ty=0.5, tw=th=0, obj=+20, cat=-20, dog=+10
         -> dog, score s * sigmoid(10) = 0.999954602, centre (0.5 x 32, 1.5 x 32) = (16, 48),
            size 32 x 32, corners (0, 32, 32, 64)
      C  out1 row 3, col 2: tx=ty=tw=th=0, obj=0, cat=0, dog=-20
         -> cat, score 0.5*0.5 = 0.25 (dog: 1.0e-9), centre (2 x 16, 3 x 16) = (32, 48),
            size 16 x 16, corners (24, 40, 40, 56)
    All other cells score sigmoid(-20) * sigmoid(-20) ~ 4e-18.

yolov4_tiny_w025_c3.onnx, yolov4_tiny_w025_c3.pt (+ .conf each, classes [circle, square, triangle])
    the width-0.25, 3-class YOLOv4-tiny of make_yolov4_tiny_fixture.py with the float16 weights of
    fixtures/yolov4_tiny_w025_c3.pth turned to float32, eval mode. Input images [N,3,160,160];
    outputs out0 (P5) [N,24,5,5] and out1 (P4) [N,24,10,10]. The .pt is torch.jit.trace'd (not
    frozen, so Module.to(device) still moves its float32 parameters), loadable with
    torch::jit::load; forward returns the tuple (out0, out1). The script checks that the saved
    TorchScript module matches the eager model (max abs diff < 1e-5) on a random input. The ONNX
    export folds BatchNorm into the convolutions, so it matches the eager model only to ~1e-4
    (outputs reach |x| ~ 57); libtorch 2.13 running the .pt differs from torch 1.13 by ~7e-5. The float32 weights alone are 1.48 MB, so these two files are the
    largest fixtures (1.50 MB and 1.65 MB).

yolov5_constant.onnx (+ .conf, classes [cat, dog])
    input images [N,3,64,64]; outputs out0 [N,21,2,2] (P5, stride 32), out1 [N,21,4,4] (P4, stride
    16), out2 [N,21,8,8] (P3, stride 8); layout yolov5: channel a*7+k as yolo-anchors, with YOLOv5's
    box equations: cx = (col + 2*sigmoid(tx) - 0.5) * stride, cy likewise, w = anchor_w *
    (2*sigmoid(tw))^2, h likewise, score = sigmoid(obj) * sigmoid(class). Anchors (input pixels)
    [4,6, 8,8, 10,12, 12,16, 16,20, 20,24, 24,32, 32,40, 40,48] with the default mask
    [[6,7,8],[3,4,5],[0,1,2]]. Every logit is -20 except these three cells (s = sigmoid(20)):
      A  out0 slot 0 (anchor 6 = 24x32), row 1, col 0: tx=ty=tw=th=0, obj=+20, cat=+20, dog=-20
         -> cat, score s*s, centre ((0 + 1 - 0.5) * 32, (1 + 0.5) * 32) = (16, 48), size 24x32,
            corners (4, 32, 28, 64)
      B  out2 slot 1 (anchor 1 = 8x8), row 3, col 4: tx=+20, ty=-20, tw=+20, th=0, obj=+20,
         cat=-20, dog=+20 -> dog, score s*s, centre ((4 + 2s - 0.5) * 8, (3 + 2(1-s) - 0.5) * 8)
            = (44, 20), size 8*(2s)^2 x 8 = 32x8, corners (28, 16, 60, 24)
      C  out1 slot 2 (anchor 5 = 20x24), row 2, col 1: tx=ty=tw=th=0, obj=0, cat=0, dog=-20
         -> cat, score 0.5*0.5 = 0.25, centre (24, 40), size 20x24, corners (14, 28, 34, 52)

yolov5_s_w025_c3.onnx (+ .conf, classes [circle, square, triangle])
    the YOLOv5 (phi s, width 0.25, 3 classes) of make_yolov5_fixture.py with the float16 weights of
    fixtures/yolov5_s_w025_c3.pth turned to float32, eval mode, input [N,3,96,96], outputs out0
    (P5) [N,24,3,3], out1 [N,24,6,6], out2 [N,24,12,12]; layout yolov5 with the reference's anchors.

yolov3_w003125_c3.onnx, yolov3_w003125_c3.pt (+ .conf each), fixtures/yolov3_w003125_c3.pth
    the YOLOv3 of make_yolov3_fixture.py at width 1/32 (3 classes, random weights, seed 0, rounded
    to float16 and stored so in the .pth), eval mode, input [N,3,96,96], outputs out0..out2 (P5, P4,
    P3); layout yolo-anchors, architecture yolov3, the reference's 9 anchors. The .pt is traced.

yolov4_w0015625_c3.onnx, yolov4_w0015625_c3.pt (+ .conf each), fixtures/yolov4_w0015625_c3.pth
    the YOLOv4 (CSPDarknet-53) of make_yolov4_fixture.py at width 1/64 (3 classes, random weights, seed
    0, rounded to float16 and stored so in the .pth), eval mode, input [N,3,96,96], outputs out0 (P5)
    [N,24,3,3], out1 [N,24,6,6], out2 [N,24,12,12]; layout yolo-anchors, architecture yolov4, the
    reference's 9 anchors. The .pt is traced.

yolov4_tiny_phi<P>_w0125_c3.onnx, yolov4_tiny_phi<P>_w0125_c3.pt (+ .conf each), P = 1..4
    the YOLOv4-tiny with attention (phi 1-4: SE, CBAM, ECA, CA blocks) of make_yolov4_tiny_fixture.py
    with the float16 weights of fixtures/yolov4_tiny_phi<P>_w0125_c3.pth (width 0.125) turned to
    float32, eval mode, input [N,3,96,96], outputs out0 (P5) [N,24,3,3] and out1 (P4) [N,24,6,6];
    layout yolo-anchors, architecture yolov4-tiny, the reference's 6 anchors. The .pt is traced.

yolox_nano_w05_c3.onnx, yolox_nano_w05_c3.pt (+ .conf each)
    the YOLOX (phi nano, depthwise, width 0.5) of make_yolox_fixture.py with the float16 weights of
    fixtures/yolox_nano_w05_c3.pth turned to float32, eval mode, input [N,3,96,96], outputs out0
    (stride 8) [N,8,12,12], out1 [N,8,6,6], out2 [N,8,3,3]; layout yolox. The sidecars normalize with
    the ImageNet mean and std (the yolox layout's default too): make_yolox_fixture.py feeds the network
    so, as the reference's preprocess_input does. The .pt is traced.

With --full DIR: DIR/yolov4_tiny_416.onnx and DIR/yolov4_tiny_416.pt (+ .conf each), the full-width
(1.0), 80-class network with random weights (seed 0, make_yolov4_tiny_fixture.randomise), input
[N,3,416,416], outputs out0 [N,255,13,13] and out1 [N,255,26,26], classes c0..c79.
"""
import argparse
import math
import os
import sys
import warnings
from collections import OrderedDict

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_yolov3_fixture as v3  # noqa: E402
import make_yolov4_fixture as v4  # noqa: E402
import make_yolov4_tiny_fixture as ref  # noqa: E402
import make_yolov5_fixture as v5  # noqa: E402
import make_yolox_fixture as vx  # noqa: E402

FIXTURES = os.path.join("pipeline", "src", "test", "resources", "fixtures")
OUT = os.path.join(FIXTURES, "infer")
OPSET = 13
# torch 1.13's ONNX exporter warns about the traced `route.shape[1] // 2` of the reference network
warnings.filterwarnings("ignore", message="The shape inference of prim::Constant type is missing")

NORMALIZE = "normalize { scale = 0.00392156862745098, mean = [0,0,0], std = [1,1,1] }"
# the reference YOLOX's preprocess_input, with which make_yolox_fixture.py feeds its network
IMAGENET_NORMALIZE = ("normalize { scale = 0.00392156862745098, mean = [0.485, 0.456, 0.406], "
                      "std = [0.229, 0.224, 0.225] }")
ANCHOR_CONF = ("anchors = [10,14, 23,27, 37,58, 81,82, 135,169, 344,319]\n"
               "anchors-mask = [[3,4,5],[1,2,3]]\n")


def write_text(path, text):
    with open(path, "w") as f:
        f.write(text)


def export_onnx(model, example, path, output_names):
    dynamic = {name: {0: "N"} for name in ["images"] + output_names}
    with torch.no_grad():
        torch.onnx.export(model, example, path, opset_version=OPSET, do_constant_folding=True,
                          input_names=["images"], output_names=output_names, dynamic_axes=dynamic)


class ConstantHeads(nn.Module):
    """returns constant tensors broadcast to the input's batch: x[:, :1, :1, :1] * 0 + const"""

    def __init__(self, *consts):
        super().__init__()
        for i, c in enumerate(consts):
            self.register_buffer("c%d" % i, c)
        self.n = len(consts)

    def forward(self, x):
        zero = x[:, :1, :1, :1] * 0  # [N,1,1,1]
        zero3 = zero[:, :, :, 0]  # [N,1,1] for the rank-3 constants
        outs = tuple((zero if c.dim() == 4 else zero3) + c
                     for c in (getattr(self, "c%d" % i) for i in range(self.n)))
        return outs if self.n > 1 else outs[0]


def heads_constant():
    classes = 2
    per = 5 + classes  # tx ty tw th obj cat dog
    out0 = torch.full((1, 3 * per, 2, 2), -20.0)
    out1 = torch.full((1, 3 * per, 4, 4), -20.0)
    # A: out0, slot 1 (anchor 4), row 0, col 1 -> dog
    out0[0, 1 * per:1 * per + per, 0, 1] = torch.tensor([0, 0, 0, 0, 20, -20, 20], dtype=torch.float32)
    # B: out1, slot 0 (anchor 1), row 2, col 1, twice anchor 1's width -> cat
    out1[0, 0 * per:0 * per + per, 2, 1] = torch.tensor([0, 0, math.log(2), 0, 20, 20, -20], dtype=torch.float32)
    # C: out1, slot 2 (anchor 3), row 3, col 3, weak cat: 0.5 * 0.5
    out1[0, 2 * per:2 * per + per, 3, 3] = torch.tensor([0, 0, 0, 0, 0, 0, -20], dtype=torch.float32)
    model = ConstantHeads(out0, out1).eval()
    path = os.path.join(OUT, "heads_constant.onnx")
    export_onnx(model, torch.zeros(1, 3, 64, 64), path, ["out0", "out1"])
    write_text(path + ".conf",
               "layout = yolo-anchors\n"
               "classes-file = heads_constant.classes\n"
               + ANCHOR_CONF + NORMALIZE + "\n"
               "letterbox-fill = 128\n")
    write_text(os.path.join(OUT, "heads_constant.classes"), "cat\ndog\n")
    y0, y1 = model(torch.zeros(2, 3, 64, 64))
    print("heads_constant.onnx: out0", tuple(y0.shape), "out1", tuple(y1.shape))


def yolov8_constant():
    classes, points = 2, 8 * 8 + 4 * 4 + 2 * 2
    out = torch.zeros(1, 4 + classes, points)
    out[0, :, 5] = torch.tensor([20, 30, 16, 24, 0.10, 0.90])
    out[0, :, 40] = torch.tensor([50, 10, 8, 8, 0.60, 0.05])
    model = ConstantHeads(out).eval()
    path = os.path.join(OUT, "yolov8_constant.onnx")
    export_onnx(model, torch.zeros(1, 3, 64, 64), path, ["output0"])
    write_text(path + ".conf", "layout = yolov8\nclasses = [cat, dog]\n" + NORMALIZE + "\n")
    print("yolov8_constant.onnx: output0", tuple(model(torch.zeros(2, 3, 64, 64)).shape))


def yolov5_constant():
    classes = 2
    per = 5 + classes
    outs = [torch.full((1, 3 * per, n, n), -20.0) for n in (2, 4, 8)]
    # A: out0 (P5), slot 0 (anchor 6), row 1, col 0 -> cat
    outs[0][0, 0:per, 1, 0] = torch.tensor([0, 0, 0, 0, 20, 20, -20], dtype=torch.float32)
    # B: out2 (P3), slot 1 (anchor 1), row 3, col 4: offsets 1.5 and -0.5, four times the width -> dog
    outs[2][0, per:2 * per, 3, 4] = torch.tensor([20, -20, 20, 0, 20, -20, 20], dtype=torch.float32)
    # C: out1 (P4), slot 2 (anchor 5), row 2, col 1: weak cat, 0.5 * 0.5
    outs[1][0, 2 * per:3 * per, 2, 1] = torch.tensor([0, 0, 0, 0, 0, 0, -20], dtype=torch.float32)
    model = ConstantHeads(*outs).eval()
    path = os.path.join(OUT, "yolov5_constant.onnx")
    export_onnx(model, torch.zeros(1, 3, 64, 64), path, ["out0", "out1", "out2"])
    write_text(path + ".conf", "layout = yolov5\nclasses = [cat, dog]\n"
               "anchors = [4,6, 8,8, 10,12, 12,16, 16,20, 20,24, 24,32, 32,40, 40,48]\n" + NORMALIZE + "\n")
    print("yolov5_constant.onnx:", [tuple(y.shape) for y in model(torch.zeros(2, 3, 64, 64))])


def float32(state):
    return OrderedDict((k, v.float() if v.is_floating_point() else v) for k, v in state.items())


def family_export(model, size, name, conf, torchscript):
    """ONNX (and a traced TorchScript) of an eval-mode network with one sidecar text for both"""
    model.eval()
    example = torch.rand(1, 3, size, size, generator=torch.Generator().manual_seed(1))
    names = ["out%d" % i for i in range(len(model(example)))]
    export_onnx(model, example, os.path.join(OUT, name + ".onnx"), names)
    write_text(os.path.join(OUT, name + ".onnx.conf"), conf)
    if torchscript:
        with torch.no_grad():
            torch.jit.save(torch.jit.trace(model, example), os.path.join(OUT, name + ".pt"))
        write_text(os.path.join(OUT, name + ".pt.conf"), conf)


def yolov5_w025():
    model = v5.YoloBody(3, "s", 0.25)
    model.load_state_dict(float32(torch.load(os.path.join(FIXTURES, "yolov5_s_w025_c3.pth"))))
    family_export(model, 96, "yolov5_s_w025_c3", "layout = yolov5\nclasses = [circle, square, triangle]\n"
                  "input-size = 96\n" + NORMALIZE + "\n", torchscript=False)


def save_half(model, name):
    """the model's weights rounded to float16 and stored so as fixtures/<name>.pth, and loaded back into
    the model: the exports hold exactly the values sparkdet's network loads"""
    half = OrderedDict((k, v.half() if v.is_floating_point() else v) for k, v in model.state_dict().items())
    torch.save(half, os.path.join(FIXTURES, name + ".pth"))
    model.load_state_dict(float32(half))


def anchor_family_conf(architecture):
    return ("layout = yolo-anchors\narchitecture = " + architecture + "\n"
            "classes = [circle, square, triangle]\ninput-size = 96\n" + NORMALIZE + "\n")


def yolov3_w003125():
    torch.manual_seed(0)
    model = v3.YoloV3(3, 1 / 32)
    v3.randomise(model, torch.Generator().manual_seed(0))
    save_half(model, "yolov3_w003125_c3")
    family_export(model, 96, "yolov3_w003125_c3", anchor_family_conf("yolov3"), torchscript=True)


def yolov4_w0015625():
    # width 1/64: the 8-channel floor holds all but the widest layers, and the .pth and ONNX stay small
    torch.manual_seed(0)
    model = v4.YoloV4(3, 1 / 64)
    v4.randomise(model, torch.Generator().manual_seed(0))
    save_half(model, "yolov4_w0015625_c3")
    family_export(model, 96, "yolov4_w0015625_c3", anchor_family_conf("yolov4"), torchscript=True)


def yolov4_tiny_phis():
    # make_yolov4_tiny_fixture.py's attention fixtures: their width 0.125 is the tiny network's narrowest,
    # below it the 8-channel floor breaks the doubling of channels from one CSP block to the next
    for phi in range(1, 5):
        model = ref.YoloV4Tiny(3, 0.125, phi)
        name = "yolov4_tiny_phi%d_w0125_c3" % phi
        model.load_state_dict(float32(torch.load(os.path.join(FIXTURES, name + ".pth"))))
        family_export(model, 96, name, anchor_family_conf("yolov4-tiny"), torchscript=True)


def yolox_nano_w05():
    # make_yolox_fixture.py's network: nano at width 0.5 has 8 base channels, YOLOX's narrowest
    model = vx.YoloBody(3, "nano", 0.5)
    model.load_state_dict(float32(torch.load(os.path.join(FIXTURES, "yolox_nano_w05_c3.pth"))))
    family_export(model, 96, "yolox_nano_w05_c3", "layout = yolox\nclasses = [circle, square, triangle]\n"
                  "input-size = 96\n" + IMAGENET_NORMALIZE + "\n", torchscript=True)


def yolox_constant():
    per = 5 + 2  # tx ty tw th obj cat dog
    outs = []
    for side in (8, 4, 2):
        o = torch.zeros(1, per, side, side)
        o[0, 4:] = -20.0
        outs.append(o)
    # A: stride 8, row 2, col 3 -> cat
    outs[0][0, :, 2, 3] = torch.tensor([0.5, 0.25, math.log(2), 0, 20, 20, -20], dtype=torch.float32)
    # B: stride 32, row 1, col 0 -> dog, a little below A
    outs[2][0, :, 1, 0] = torch.tensor([0.5, 0.5, 0, 0, 20, -20, 10], dtype=torch.float32)
    # C: stride 16, row 3, col 2, weak cat: 0.5 * 0.5
    outs[1][0, :, 3, 2] = torch.tensor([0, 0, 0, 0, 0, 0, -20], dtype=torch.float32)
    model = ConstantHeads(*outs).eval()
    path = os.path.join(OUT, "yolox_constant.onnx")
    export_onnx(model, torch.zeros(1, 3, 64, 64), path, ["out0", "out1", "out2"])
    write_text(path + ".conf", "layout = yolox\nclasses = [cat, dog]\n")
    print("yolox_constant.onnx:", [tuple(y.shape) for y in model(torch.zeros(2, 3, 64, 64))])


def anchors_conf(classes, size):
    return ("layout = yolo-anchors\n"
            "classes = [" + ", ".join(classes) + "]\n"
            + ANCHOR_CONF +
            "input-size = %d\n" % size
            + NORMALIZE + "\n"
            "letterbox-fill = 128\n")


def export_yolov4_tiny(model, size, classes, dir, name):
    """ONNX + traced TorchScript of an eval-mode model, with sidecars; checks TorchScript == eager"""
    model.eval()
    example = torch.rand(1, 3, size, size, generator=torch.Generator().manual_seed(1))
    onnx_path = os.path.join(dir, name + ".onnx")
    export_onnx(model, example, onnx_path, ["out0", "out1"])
    with torch.no_grad():
        traced = torch.jit.trace(model, example)
    pt_path = os.path.join(dir, name + ".pt")
    torch.jit.save(traced, pt_path)
    conf = anchors_conf(classes, size)
    write_text(onnx_path + ".conf", conf)
    write_text(pt_path + ".conf", conf)
    # the saved module, reloaded, against the eager model on another input and batch size
    loaded = torch.jit.load(pt_path)
    x = torch.rand(2, 3, size, size, generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        eager = model(x)
        script = loaded(x)
    diff = max(float((a - b).abs().max()) for a, b in zip(eager, script))
    print("%s: out0 %s out1 %s, max |TorchScript - eager| = %.3g (output max |x| %.3g)"
          % (name, tuple(eager[0].shape), tuple(eager[1].shape), diff,
             max(float(t.abs().max()) for t in eager)))
    if not diff < 1e-5:
        raise SystemExit("TorchScript and eager outputs differ by %g" % diff)


def yolov4_tiny_w025():
    model = ref.YoloV4Tiny(3, 0.25)
    half = torch.load(os.path.join(FIXTURES, "yolov4_tiny_w025_c3.pth"))
    model.load_state_dict(OrderedDict((k, v.float() if v.is_floating_point() else v) for k, v in half.items()))
    export_yolov4_tiny(model, 160, ["circle", "square", "triangle"], OUT, "yolov4_tiny_w025_c3")


def yolov4_tiny_full(dir):
    torch.manual_seed(0)
    model = ref.YoloV4Tiny(80, 1.0)
    ref.randomise(model, torch.Generator().manual_seed(0))
    os.makedirs(dir, exist_ok=True)
    export_yolov4_tiny(model, 416, ["c%d" % i for i in range(80)], dir, "yolov4_tiny_416")
    return dir


def list_files(dir):
    for f in sorted(os.listdir(dir)):
        print("  %-32s %9d bytes" % (f, os.path.getsize(os.path.join(dir, f))))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--full", metavar="DIR",
                        help="write the full-width 80-class 416 px YOLOv4-tiny (random weights) to DIR instead")
    args = parser.parse_args()
    if args.full:
        list_files(yolov4_tiny_full(args.full))
        return
    os.makedirs(OUT, exist_ok=True)
    heads_constant()
    yolov8_constant()
    yolox_constant()
    yolov4_tiny_w025()
    yolov5_constant()
    yolov5_w025()
    yolov3_w003125()
    yolov4_w0015625()
    yolov4_tiny_phis()
    yolox_nano_w05()
    list_files(OUT)
    big = [f for f in os.listdir(OUT) if os.path.getsize(os.path.join(OUT, f)) >= 2_000_000]
    if big:
        raise SystemExit("fixtures over 2 MB: %s" % big)


if __name__ == "__main__":
    main()
