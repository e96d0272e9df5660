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
import make_yolov4_tiny_fixture as ref  # noqa: E402

FIXTURES = os.path.join("pipeline", "src", "test", "resources", "fixtures")
OUT = os.path.join(FIXTURES, "infer")
OPSET = 13
# torch 1.13's ONNX exporter warns about the traced `route.shape[1] // 2` of the reference network
warnings.filterwarnings("ignore", message="The shape inference of prim::Constant type is missing")

NORMALIZE = "normalize { scale = 0.00392156862745098, mean = [0,0,0], std = [1,1,1] }"
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
    list_files(OUT)
    big = [f for f in os.listdir(OUT) if os.path.getsize(os.path.join(OUT, f)) >= 2_000_000]
    if big:
        raise SystemExit("fixtures over 2 MB: %s" % big)


if __name__ == "__main__":
    main()
