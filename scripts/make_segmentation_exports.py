#!/usr/bin/python3
"""Writes the segmentation exports that sparkdet's back-end parity tests load (SegmentationBackendParityTest).

Run with Debian's PyTorch (/usr/bin/python3, torch 1.13; the onnx / onnxruntime Python packages are not
needed), from the repository root:

    /usr/bin/python3 scripts/make_segmentation_exports.py

For each segmentation family, one small network with 4 classes (background, circle, square, triangle), in
eval mode, its weights pseudo-random from formula_weights.fill (He-scaled by each convolution's fan-in, so
the logits follow the picture through the depthwise layers too; fixture_common.randomise scales by fan-out,
which leaves MobileNetV2's logits all but independent of the picture), then the classifier's weight scaled so
that the logits spread over a few units (standard deviation 2 on the fixture's input) and its bias lowered by
each class's mean logit, so that every class wins somewhere. The networks are the reference
repositories' code as make_segmentation_fixtures.py and make_unet_fixture.py copy it, narrowed by
sparkdet's width multiplier as sparkdet's networks narrow them (the references have none but MobileNetV2's
width_mult; the names and the module tree stay the reference's, so the .pth loads into sparkdet's family by
name and shape):

  deeplabv3plus_mobilenetv2_w0125_c4   DeepLab(backbone mobilenet, downsample factor 16) at width 0.125:
        MobileNetV2ImageNet(width_mult=0.125) (channels int(c * 0.125): 4, 2, 3, 4, 8, 12, 20, 40), the ASPP
        and the decoder at 256 and 48 channels scaled to multiples of 8 rounding half up (sparkdet's
        DeepLabV3Plus.scaled: 32 and 8). Input 64x64. The ONNX export leaves the batch, the height and
        the width dynamic (the network takes any size), so its sidecar gives input-size.
  pspnet_mobilenetv2_w0125_c4          PSPNet(backbone mobilenet, downsample factor 8, no auxiliary branch,
        as the reference's predict builds it) at width 0.125: the same backbone, the pyramid on its 40
        channels (stages of 40 // 4 = 10). Input 48x48: the features are 6x6, which pool sizes 1, 2, 3 and
        6 divide, as ONNX's export of adaptive_avg_pool2d needs (the reference's 473 gives 60x60).
  unet_vgg_w00625_c4                   Unet(backbone vgg) at width 1/16: every channel count of VGG16 and the
        decoder scaled as sparkdet's Widths (multiples of 8, at least 8, half to even: 8, 8, 16, 32, 32),
        in_filters following as the skip feature's plus the upsampled one's. Input 64x64.

Outputs, for each <name> above:
  fixtures/infer/<name>.onnx (+ .conf)   opset 13, constant folding (batch norm folded into the
        convolutions), input `images` [N,3,H,W], output `logits` [N,4,H,W]; N dynamic
  fixtures/infer/<name>.pt (+ .conf)     torch.jit.trace of the same module (not frozen), torch.jit.save
  fixtures/<name>.pth                    the float32 state dict (what the reference's torch.save writes)
  fixtures/<name>_io.pt                  {"input": [1,3,H,W] uniform in [0, 1) (seed 1), "logits": the
        eval-mode float32 logits of that input [1,4,H,W]}
The sidecars: layout segmentation, the classes and the input size; the .onnx.conf also names the
architecture (the .pt.conf does not: the layout alone decodes a segmentation export). Neither gives
normalize: the segmentation layout's default is the references' preprocess_input (RGB / 255).
The script checks that the saved TorchScript module, reloaded, gives the eager logits (to 1e-5) on another
batch size, and that every file stays under 1 MB.
"""
import math
import os
import sys
import warnings

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_segmentation_fixtures as seg  # noqa: E402
import make_unet_fixture as un  # noqa: E402
import formula_weights  # noqa: E402
from fixture_common import width as widths  # noqa: E402
from make_inference_fixtures import FIXTURES, OPSET, OUT, write_text  # noqa: E402

warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
warnings.filterwarnings("ignore", message=".*align_corners.*")

CLASSES = ["background", "circle", "square", "triangle"]
MAX_BYTES = 1_000_000


def deeplab_width(n, w):
    """sparkdet's DeepLabV3Plus.scaled: multiples of 8 rounding half up, at least 8"""
    return max(8, int(math.floor(n * w / 8 + 0.5)) * 8)


class NarrowDilatedMobileNetV2(seg.DilatedMobileNetV2):
    """the wrappers' MobileNetV2 over MobileNetV2ImageNet(width_mult=width), dilated as theirs"""

    def __init__(self, downsample_factor, split, width):
        nn.Module.__init__(self)
        self.features = seg.MobileNetV2ImageNet(width_mult=width).features[:-1]
        self.total_idx = len(self.features)
        self.down_idx = [2, 4, 7, 14]
        self.split = split
        if downsample_factor == 8:
            for i in range(self.down_idx[-2], self.down_idx[-1]):
                self.features[i].apply(lambda m: seg._nostride_dilate(m, 2))
            for i in range(self.down_idx[-1], self.total_idx):
                self.features[i].apply(lambda m: seg._nostride_dilate(m, 4))
        elif downsample_factor == 16:
            for i in range(self.down_idx[-1], self.total_idx):
                self.features[i].apply(lambda m: seg._nostride_dilate(m, 2))


class NarrowDeepLab(seg.DeepLab):
    """nets/deeplabv3_plus.py's DeepLab (mobilenet) with its 320, 24, 256 and 48 channels at the width"""

    def __init__(self, num_classes, width, downsample_factor=16):
        nn.Module.__init__(self)
        self.backbone = NarrowDilatedMobileNetV2(downsample_factor, 4, width)
        in_channels, low_level_channels = int(320 * width), int(24 * width)
        aspp, shortcut = deeplab_width(256, width), deeplab_width(48, width)
        self.aspp = seg.ASPP(dim_in=in_channels, dim_out=aspp, rate=16 // downsample_factor)
        self.shortcut_conv = nn.Sequential(
            nn.Conv2d(low_level_channels, shortcut, 1),
            nn.BatchNorm2d(shortcut),
            nn.ReLU(inplace=True)
        )
        self.cat_conv = nn.Sequential(
            nn.Conv2d(shortcut + aspp, aspp, 3, stride=1, padding=1),
            nn.BatchNorm2d(aspp),
            nn.ReLU(inplace=True),
            nn.Dropout(0.5),
            nn.Conv2d(aspp, aspp, 3, stride=1, padding=1),
            nn.BatchNorm2d(aspp),
            nn.ReLU(inplace=True),
            nn.Dropout(0.1),
        )
        self.cls_conv = nn.Conv2d(aspp, num_classes, 1, stride=1)


class NarrowPSPNet(seg.PSPNet):
    """nets/pspnet.py's PSPNet (mobilenet, aux_branch False) with its 320 channels at the width"""

    def __init__(self, num_classes, width, downsample_factor):
        nn.Module.__init__(self)
        self.backbone = NarrowDilatedMobileNetV2(downsample_factor, 14, width)
        out_channel = int(320 * width)
        self.master_branch = nn.Sequential(
            seg._PSPModule(out_channel, pool_sizes=[1, 2, 3, 6], norm_layer=nn.BatchNorm2d),
            nn.Conv2d(out_channel // 4, num_classes, kernel_size=1)
        )
        self.aux_branch = False


class NarrowUnet(un.Unet):
    """nets/unet.py's Unet (vgg) with every channel count of VGG16 and of the decoder at the width"""

    def __init__(self, num_classes, width):
        nn.Module.__init__(self)
        self.vgg = un.VGG(un.make_layers([v if v == 'M' else widths(v, width) for v in un.cfgs['D']]))
        feats = [widths(c, width) for c in (64, 128, 256, 512, 512)]
        out_filters = [widths(c, width) for c in (64, 128, 256, 512)]
        in_filters = [feats[0] + out_filters[1], feats[1] + out_filters[2], feats[2] + out_filters[3],
                      feats[3] + feats[4]]
        self.up_concat4 = un.unetUp(in_filters[3], out_filters[3])
        self.up_concat3 = un.unetUp(in_filters[2], out_filters[2])
        self.up_concat2 = un.unetUp(in_filters[1], out_filters[1])
        self.up_concat1 = un.unetUp(in_filters[0], out_filters[0])
        self.up_conv = None
        self.final = nn.Conv2d(out_filters[0], num_classes, 1)
        self.backbone = "vgg"


def sidecar(size, architecture=None):
    return ("layout = segmentation\n"
            + ("architecture = %s\n" % architecture if architecture else "")
            + "classes = [" + ", ".join(CLASSES) + "]\n"
            + "input-size = %d\n" % size)


def export(model, classifier, name, size, architecture, dynamic_size):
    """the .pth, the _io.pt, the ONNX and the traced TorchScript of an eval-mode network, with sidecars"""
    formula_weights.fill(model)
    model.eval()
    x = torch.rand(1, 3, size, size, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        classifier.weight *= 2 / float(model(x).std((0, 2, 3)).mean())
        classifier.bias -= model(x).mean((0, 2, 3))
        logits = model(x)
    assert logits.shape == (1, len(CLASSES), size, size), logits.shape
    torch.save(model.state_dict(), os.path.join(FIXTURES, name + ".pth"))
    torch.save({"input": x, "logits": logits}, os.path.join(FIXTURES, name + "_io.pt"))

    example = x
    axes = {0: "N", 2: "H", 3: "W"} if dynamic_size else {0: "N"}
    onnx_path = os.path.join(OUT, name + ".onnx")
    with torch.no_grad():
        torch.onnx.export(model, example, onnx_path, opset_version=OPSET, do_constant_folding=True,
                          input_names=["images"], output_names=["logits"],
                          dynamic_axes={"images": axes, "logits": axes})
        traced = torch.jit.trace(model, example)
    pt_path = os.path.join(OUT, name + ".pt")
    torch.jit.save(traced, pt_path)
    write_text(onnx_path + ".conf", sidecar(size, architecture))
    write_text(pt_path + ".conf", sidecar(size))

    # the saved module, reloaded, on another batch size
    loaded = torch.jit.load(pt_path)
    y = torch.rand(3, 3, size, size, generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        diff = float((loaded(y) - model(y)).abs().max())
    classes = torch.bincount(logits.argmax(1).flatten(), minlength=len(CLASSES)).tolist()
    print("%s: %d parameters, logits %s, max |logits| %.3g, argmax pixels per class %s, "
          "max |TorchScript - eager| %.2g" % (name, sum(p.numel() for p in model.parameters()),
                                             tuple(logits.shape), float(logits.abs().max()), classes, diff))
    if not diff < 1e-5:
        raise SystemExit("%s: TorchScript and eager logits differ by %g" % (name, diff))


def main():
    os.makedirs(OUT, exist_ok=True)
    names = []
    deeplab = NarrowDeepLab(len(CLASSES), 0.125, 16)
    pspnet = NarrowPSPNet(len(CLASSES), 0.125, 8)
    unet = NarrowUnet(len(CLASSES), 1 / 16)
    for name, model, classifier, size, architecture, dynamic_size in (
            ("deeplabv3plus_mobilenetv2_w0125_c4", deeplab, deeplab.cls_conv, 64, "deeplabv3plus", True),
            ("pspnet_mobilenetv2_w0125_c4", pspnet, pspnet.master_branch[1], 48, "pspnet", False),
            ("unet_vgg_w00625_c4", unet, unet.final, 64, "unet", False)):
        export(model, classifier, name, size, architecture, dynamic_size)
        names.append(name)
    files = [os.path.join(OUT, n + ext) for n in names for ext in (".onnx", ".onnx.conf", ".pt", ".pt.conf")]
    files += [os.path.join(FIXTURES, n + ext) for n in names for ext in (".pth", "_io.pt")]
    total = 0
    for f in files:
        size = os.path.getsize(f)
        total += size
        print("  %-48s %9d bytes" % (os.path.relpath(f, FIXTURES), size))
    print("  %-48s %9d bytes" % ("total", total))
    big = [f for f in files if os.path.getsize(f) >= MAX_BYTES]
    if big:
        raise SystemExit("fixtures over %d bytes: %s" % (MAX_BYTES, big))


if __name__ == "__main__":
    main()
