#!/usr/bin/python3
"""Writes the PyTorch fixtures that sparkdet's YOLOX tests (sparkdet.models.yolox) compare against.

Run with Debian's PyTorch (apt-get install -y python3-torch python3-numpy; /usr/bin/python3), from the
repository root:  /usr/bin/python3 scripts/make_yolox_fixture.py

The network and the loss are written here independently of sparkdet, following bubbliiiing/yolox-pytorch
(Apache-2.0) with that repository's module names, so its state-dict keys: nets/darknet.py (Focus stem
with a 3x3 BaseConv, BaseConv = conv + BN(eps 1e-3, momentum 0.03) + SiLU, DWConv = depthwise BaseConv
+ 1x1 BaseConv, CSPLayer, SPPBottleneck 5/9/13, CSPDarknet dark2..dark5), nets/yolo.py (YOLOPAFPN,
the decoupled YOLOXHead, YoloBody with phi nano/tiny/s/m/l/x; outputs at strides 8, 16, 32, each
[N, 5 + classes, H, W] = reg, obj, cls) and nets/yolo_training.py (YOLOLoss: the outputs decoded as
(xy + grid) * stride and exp(wh) * stride, SimOTA with the centre radius 2.5, the cost
cls + 3 (-log IoU) + 1e5 outside box-and-centre, dynamic k = int(sum of the 10 best IoUs) at least 1,
an anchor claimed by several boxes kept by the cheapest; loss (5 sum(1 - IoU^2) + sum BCE(obj) +
sum BCE(cls, one-hot x IoU)) / max(foreground, 1); no L1 term in this repository).
With YOLOX_REFERENCE=<a checkout of bubbliiiing/yolox-pytorch> the script first checks these against
the repository's own classes: state-dict names and shapes of every phi, and at full 's' size with the
same weights the outputs (eval and train mode), the loss and its gradients with respect to the outputs.

Outputs, in pipeline/src/test/resources/fixtures/:
  yolox_nano_w05_c3.pth     state dict of phi 'nano' (depthwise) at width 0.5 (base channels 8, depth 1),
                            3 classes, random weights (seed 0), floating tensors stored as float16 (file
                            under 1 MB; 's' at its narrowest, base channels 8, would be 1.3 MB: its
                            names and shapes are checked at full size instead, and its modules are
                            nano's but for the depthwise 3x3 convolutions)
  yolox_nano_w05_c3_io.pt   "input" [3,3,64,64]; "out0", "out1", "out2" (strides 8, 16, 32) of that
                            network in eval mode, in float32 from the float16 weights; "train_out0".."2":
                            the network in float64 and train mode on the same input; for those outputs
                            and BOXES: "loss", "num_fg" (the foreground count it is divided by), and per
                            output i "grad_sum.i" and "grad_abs_sum.i" (sum and sum of absolute values of
                            the loss's gradient with respect to output i)
  yolox_s_state_dict.txt    "name shape" per line of the full-size 's' network (80 classes), in order
"""
import math
import os
import sys
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "pipeline", "src", "test", "resources", "fixtures")
# phi: (depth multiplier, width multiplier), YoloBody in nets/yolo.py; nano is depthwise
PHI = {"nano": (0.33, 0.25), "tiny": (0.33, 0.375), "s": (0.33, 0.50), "m": (0.67, 0.75), "l": (1.00, 1.00),
       "x": (1.33, 1.25)}
STRIDES = [8, 16, 32]
CLASSES = 3
SIZE = 64
# per picture: x1, y1, x2, y2 in input pixels, class (YoloXLossPyTorchParityTest.BOXES); picture 3 has none.
# Overlapping boxes compete for anchors (the cheaper keeps one), a tiny box (2 x 2) and one over the
# whole input exercise the centre prior and dynamic k
BOXES = [
    [[4, 6, 30, 40, 2], [20, 22, 60, 50, 0], [33, 1, 44, 9, 1], [21, 23, 61, 49, 1]],
    [[10, 10, 54, 58, 1], [0, 0, 64, 64, 2], [31, 31, 33, 33, 0], [34, 18, 38, 22, 2]],
    [],
]
GAIN = 2.0


def base_channels(phi, width):
    """int(wid_mul * 64) as nets/darknet.py, then sparkdet's extra width: a multiple of 8, at least 8"""
    return max(8, int(round(int(PHI[phi][1] * 64) * width / 8)) * 8)


class BaseConv(nn.Module):
    def __init__(self, cin, cout, k, s=1, groups=1):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, s, (k - 1) // 2, groups=groups, bias=False)
        self.bn = nn.BatchNorm2d(cout, eps=0.001, momentum=0.03)
        self.act = nn.SiLU()

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class DWConv(nn.Module):
    def __init__(self, cin, cout, k, s=1):
        super().__init__()
        self.dconv = BaseConv(cin, cin, k, s, groups=cin)
        self.pconv = BaseConv(cin, cout, 1, 1)

    def forward(self, x):
        return self.pconv(self.dconv(x))


def conv(depthwise, cin, cout, k, s=1):
    return DWConv(cin, cout, k, s) if depthwise else BaseConv(cin, cout, k, s)


class Focus(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = BaseConv(4 * cin, cout, 3, 1)

    def forward(self, x):
        return self.conv(torch.cat([x[..., ::2, ::2], x[..., 1::2, ::2], x[..., ::2, 1::2], x[..., 1::2, 1::2]], 1))


class SPPBottleneck(nn.Module):
    def __init__(self, cin, cout, ks=(5, 9, 13)):
        super().__init__()
        hidden = cin // 2
        self.conv1 = BaseConv(cin, hidden, 1)
        self.m = nn.ModuleList([nn.MaxPool2d(k, 1, k // 2) for k in ks])
        self.conv2 = BaseConv(hidden * (len(ks) + 1), cout, 1)

    def forward(self, x):
        x = self.conv1(x)
        return self.conv2(torch.cat([x] + [m(x) for m in self.m], 1))


class Bottleneck(nn.Module):
    def __init__(self, c, shortcut, depthwise):
        super().__init__()
        self.conv1 = BaseConv(c, c, 1)
        self.conv2 = conv(depthwise, c, c, 3)
        self.use_add = shortcut

    def forward(self, x):
        y = self.conv2(self.conv1(x))
        return x + y if self.use_add else y


class CSPLayer(nn.Module):
    def __init__(self, cin, cout, n, shortcut, depthwise):
        super().__init__()
        hidden = cout // 2
        self.conv1 = BaseConv(cin, hidden, 1)
        self.conv2 = BaseConv(cin, hidden, 1)
        self.conv3 = BaseConv(2 * hidden, cout, 1)
        self.m = nn.Sequential(*[Bottleneck(hidden, shortcut, depthwise) for _ in range(n)])

    def forward(self, x):
        return self.conv3(torch.cat([self.m(self.conv1(x)), self.conv2(x)], 1))


class CSPDarknet(nn.Module):
    def __init__(self, b, d, dw):
        super().__init__()
        self.stem = Focus(3, b)
        self.dark2 = nn.Sequential(conv(dw, b, 2 * b, 3, 2), CSPLayer(2 * b, 2 * b, d, True, dw))
        self.dark3 = nn.Sequential(conv(dw, 2 * b, 4 * b, 3, 2), CSPLayer(4 * b, 4 * b, 3 * d, True, dw))
        self.dark4 = nn.Sequential(conv(dw, 4 * b, 8 * b, 3, 2), CSPLayer(8 * b, 8 * b, 3 * d, True, dw))
        self.dark5 = nn.Sequential(conv(dw, 8 * b, 16 * b, 3, 2), SPPBottleneck(16 * b, 16 * b),
                                   CSPLayer(16 * b, 16 * b, d, False, dw))

    def forward(self, x):
        x = self.dark2(self.stem(x))
        feat1 = self.dark3(x)
        feat2 = self.dark4(feat1)
        return feat1, feat2, self.dark5(feat2)


class YOLOPAFPN(nn.Module):
    def __init__(self, b, d, n, dw):
        super().__init__()
        self.backbone = CSPDarknet(b, d, dw)
        self.upsample = nn.Upsample(scale_factor=2, mode="nearest")
        self.lateral_conv0 = BaseConv(16 * b, 8 * b, 1)
        self.C3_p4 = CSPLayer(16 * b, 8 * b, n, False, dw)
        self.reduce_conv1 = BaseConv(8 * b, 4 * b, 1)
        self.C3_p3 = CSPLayer(8 * b, 4 * b, n, False, dw)
        self.bu_conv2 = conv(dw, 4 * b, 4 * b, 3, 2)
        self.C3_n3 = CSPLayer(8 * b, 8 * b, n, False, dw)
        self.bu_conv1 = conv(dw, 8 * b, 8 * b, 3, 2)
        self.C3_n4 = CSPLayer(16 * b, 16 * b, n, False, dw)

    def forward(self, x):
        feat1, feat2, feat3 = self.backbone(x)
        p5 = self.lateral_conv0(feat3)
        p4 = self.reduce_conv1(self.C3_p4(torch.cat([self.upsample(p5), feat2], 1)))
        p3_out = self.C3_p3(torch.cat([self.upsample(p4), feat1], 1))
        p4_out = self.C3_n3(torch.cat([self.bu_conv2(p3_out), p4], 1))
        p5_out = self.C3_n4(torch.cat([self.bu_conv1(p4_out), p5], 1))
        return p3_out, p4_out, p5_out


class YOLOXHead(nn.Module):
    def __init__(self, num_classes, b, dw):
        super().__init__()
        hidden = 4 * b
        self.cls_convs, self.reg_convs = nn.ModuleList(), nn.ModuleList()
        self.cls_preds, self.reg_preds, self.obj_preds = nn.ModuleList(), nn.ModuleList(), nn.ModuleList()
        self.stems = nn.ModuleList()
        for cin in (4 * b, 8 * b, 16 * b):
            self.stems.append(BaseConv(cin, hidden, 1))
            self.cls_convs.append(nn.Sequential(conv(dw, hidden, hidden, 3), conv(dw, hidden, hidden, 3)))
            self.cls_preds.append(nn.Conv2d(hidden, num_classes, 1))
            self.reg_convs.append(nn.Sequential(conv(dw, hidden, hidden, 3), conv(dw, hidden, hidden, 3)))
            self.reg_preds.append(nn.Conv2d(hidden, 4, 1))
            self.obj_preds.append(nn.Conv2d(hidden, 1, 1))

    def forward(self, feats):
        outputs = []
        for k, x in enumerate(feats):
            x = self.stems[k](x)
            reg = self.reg_convs[k](x)
            outputs.append(torch.cat([self.reg_preds[k](reg), self.obj_preds[k](reg),
                                      self.cls_preds[k](self.cls_convs[k](x))], 1))
        return outputs


class YoloBody(nn.Module):
    def __init__(self, num_classes, phi, width=1.0):
        super().__init__()
        depth = PHI[phi][0]
        b, dw = base_channels(phi, width), phi == "nano"
        self.backbone = YOLOPAFPN(b, max(round(3 * depth), 1), round(3 * depth), dw)
        self.head = YOLOXHead(num_classes, b, dw)

    def forward(self, x):
        return self.head(self.backbone(x))


def labels(picture):
    """the dataloader's box rows: centre x, centre y, width, height in input pixels, class"""
    rows = torch.tensor(picture, dtype=torch.float32).reshape(-1, 5)
    return torch.cat([(rows[:, 0:2] + rows[:, 2:4]) / 2, rows[:, 2:4] - rows[:, 0:2], rows[:, 4:5]], 1)


def pairwise_iou(a, b):
    """IoU of every box of a with every box of b, both centre/size, as bboxes_iou(xyxy=False)"""
    tl = torch.max(a[:, None, :2] - a[:, None, 2:] / 2, b[:, :2] - b[:, 2:] / 2)
    br = torch.min(a[:, None, :2] + a[:, None, 2:] / 2, b[:, :2] + b[:, 2:] / 2)
    inter = torch.prod(br - tl, 2) * (tl < br).type(tl.type()).prod(dim=2)
    return inter / (torch.prod(a[:, 2:], 1)[:, None] + torch.prod(b[:, 2:], 1) - inter)


def simota(gt, centres, strides, boxes, obj, cls, num_classes):
    """(foreground anchors, their box index, their IoU with it) for one picture, as get_assignments"""
    left, right = gt[:, None, 0] - gt[:, None, 2] / 2, gt[:, None, 0] + gt[:, None, 2] / 2
    top, bottom = gt[:, None, 1] - gt[:, None, 3] / 2, gt[:, None, 1] + gt[:, None, 3] / 2
    cx, cy = centres[None, :, 0], centres[None, :, 1]
    in_box = torch.stack([cx - left, cy - top, right - cx, bottom - cy], 2).min(-1).values > 0
    radius = 2.5 * strides[None]
    in_centre = torch.stack([cx - (gt[:, None, 0] - radius), cy - (gt[:, None, 1] - radius),
                             (gt[:, None, 0] + radius) - cx, (gt[:, None, 1] + radius) - cy], 2).min(-1).values > 0
    candidate = in_box.any(0) | in_centre.any(0)
    both = in_box[:, candidate] & in_centre[:, candidate]
    ious = pairwise_iou(gt[:, :4], boxes[candidate])
    p = (cls[candidate].sigmoid() * obj[candidate, None].sigmoid())[None].sqrt()
    onehot = F.one_hot(gt[:, 4].long(), num_classes).type_as(p)[:, None, :]
    cls_cost = -(onehot * torch.log(p).clamp(min=-100) + (1 - onehot) * torch.log(1 - p).clamp(min=-100)).sum(-1)
    cost = cls_cost + 3.0 * -torch.log(ious + 1e-8) + 100000.0 * (~both).type_as(p)
    matching = torch.zeros_like(cost)
    ks = torch.clamp(torch.topk(ious, min(10, ious.shape[1]), dim=1).values.sum(1).int(), min=1)
    for g in range(gt.shape[0]):
        matching[g][torch.topk(cost[g], int(ks[g]), largest=False).indices] = 1.0
    shared = matching.sum(0) > 1
    if shared.any():
        cheapest = cost[:, shared].argmin(0)
        matching[:, shared] = 0.0
        matching[cheapest, shared] = 1.0
    matched = matching.sum(0) > 0
    fg = candidate.clone()
    fg[candidate] = matched
    return fg, matching[:, matched].argmax(0), (matching * ious).sum(0)[matched]


def yolox_loss(outputs, pictures, num_classes):
    """(loss, foreground count) of the raw outputs (strides 8, 16, 32) for the pictures' label rows"""
    decoded, grids, strides = [], [], []
    for stride, o in zip(STRIDES, outputs):
        h, w = o.shape[-2:]
        gy, gx = torch.meshgrid(torch.arange(h), torch.arange(w), indexing="ij")
        grid = torch.stack([gx, gy], 2).view(-1, 2).type_as(o)
        flat = o.flatten(start_dim=2).permute(0, 2, 1)
        decoded.append(torch.cat([(flat[..., :2] + grid) * stride, torch.exp(flat[..., 2:4]) * stride, flat[..., 4:]], -1))
        grids.append(grid)
        strides.append(torch.full((h * w,), float(stride), dtype=o.dtype))
    out = torch.cat(decoded, 1)
    grid, stride = torch.cat(grids, 0), torch.cat(strides, 0)
    centres = (grid + 0.5) * stride[:, None]
    reg_targets, cls_targets, fg_masks, num_fg = [], [], [], 0
    for b, rows in enumerate(pictures):
        gt = rows.type_as(out)
        if len(gt) == 0:
            fg_masks.append(torch.zeros(out.shape[1], dtype=torch.bool))
            continue
        with torch.no_grad():
            fg, gt_index, ious = simota(gt, centres, stride, out[b, :, :4], out[b, :, 4], out[b, :, 5:], num_classes)
        num_fg += int(fg.sum())
        reg_targets.append(gt[gt_index, :4])
        cls_targets.append(F.one_hot(gt[gt_index, 4].long(), num_classes).type_as(out) * ious[:, None])
        fg_masks.append(fg)
    fg = torch.cat(fg_masks)
    flat = out.reshape(-1, out.shape[-1])
    pred, target = flat[fg, :4], torch.cat(reg_targets) if reg_targets else flat.new_zeros((0, 4))
    tl = torch.max(pred[:, :2] - pred[:, 2:] / 2, target[:, :2] - target[:, 2:] / 2)
    br = torch.min(pred[:, :2] + pred[:, 2:] / 2, target[:, :2] + target[:, 2:] / 2)
    inter = torch.prod(br - tl, 1) * (tl < br).type(tl.type()).prod(dim=1)
    iou = inter / (torch.prod(pred[:, 2:], 1) + torch.prod(target[:, 2:], 1) - inter + 1e-16)
    loss_iou = (1 - iou ** 2).sum()
    loss_obj = F.binary_cross_entropy_with_logits(flat[:, 4], fg.type_as(flat), reduction="sum")
    cls_target = torch.cat(cls_targets) if cls_targets else flat.new_zeros((0, num_classes))
    loss_cls = F.binary_cross_entropy_with_logits(flat[fg, 5:], cls_target, reduction="sum")
    return (5.0 * loss_iou + loss_obj + loss_cls) / max(num_fg, 1), num_fg


def randomise(model, gen):
    """random weights, BN statistics away from 0/1 so that eval mode is exercised; convolutions
    N(0, 2 / fan_in) so the outputs stay near unit size (boxes exp(w) x stride of a few strides)"""
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            n = m.kernel_size[0] * m.kernel_size[1] * m.in_channels // m.groups
            m.weight.data.normal_(0, math.sqrt(GAIN / n), generator=gen)
            if m.bias is not None:
                m.bias.data.uniform_(-0.5, 0.5, generator=gen)
        elif isinstance(m, nn.BatchNorm2d):
            m.weight.data.uniform_(0.5, 1.5, generator=gen)
            m.bias.data.normal_(0, 0.1, generator=gen)
            m.running_mean.normal_(0, 0.1, generator=gen)
            m.running_var.uniform_(0.5, 1.5, generator=gen)
            m.num_batches_tracked.fill_(7)


def pictures(gen):
    """[3, 3, 64, 64]: coarse random patterns (8 x 8, bilinear) plus fine noise, normalised with the
    ImageNet mean and std as the reference's preprocess_input"""
    coarse = F.interpolate(torch.rand(len(BOXES), 3, 8, 8, generator=gen), size=(SIZE, SIZE), mode="bilinear",
                           align_corners=False)
    x = (0.8 * coarse + 0.2 * torch.rand(len(BOXES), 3, SIZE, SIZE, generator=gen)).clamp(0, 1)
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    return (x - mean) / std


def output_grads(outputs, rows):
    """the loss of detached copies of the outputs, and its gradients with respect to each"""
    leaves = [o.detach().clone().requires_grad_() for o in outputs]
    loss, num_fg = yolox_loss(leaves, rows, CLASSES)
    loss.backward()
    return loss.detach(), num_fg, [l.grad for l in leaves]


def check_against_reference(path):
    """the classes above against the repository's own, full 's' size, same random weights"""
    sys.path.insert(0, path)
    from nets.yolo import YoloBody as RefBody
    from nets.yolo_training import YOLOLoss as RefLoss

    for phi in PHI:
        shapes = [(k, v.shape) for k, v in YoloBody(CLASSES, phi).state_dict().items()]
        assert shapes == [(k, v.shape) for k, v in RefBody(CLASSES, phi).state_dict().items()], phi
    gen = torch.Generator().manual_seed(1)
    for phi in ("s", "nano"):
        mine, ref = YoloBody(CLASSES, phi), RefBody(CLASSES, phi)
        randomise(mine, gen)
        ref.load_state_dict(mine.state_dict())
        x = pictures(gen)
        for train in (False, True):
            mine.train(train), ref.train(train)
            for u, v in zip(mine.double()(x.double()), ref.double()(x.double())):
                # nn.SiLU against the repository's x * sigmoid(x): float64 rounding only
                assert torch.allclose(u, v, rtol=0, atol=1e-10), (phi, train, float((u - v).abs().max()))
    # the loss on the 's' outputs in float32, the reference's dtype (its class cost casts to float32)
    rows = [labels(b) for b in BOXES]
    with torch.no_grad():
        outputs = list(ref.float()(x))
    loss, num_fg, grads = output_grads(outputs, rows)
    leaves = [o.clone().requires_grad_() for o in outputs]
    # the reference decodes its inputs in place: give it copies
    ref_loss = RefLoss(CLASSES, False)([l.clone() for l in leaves], rows)
    ref_loss.backward()
    assert abs(float(loss) - float(ref_loss)) < 1e-5 * max(1.0, abs(float(loss))), (float(loss), float(ref_loss))
    for g, l in zip(grads, leaves):
        assert torch.allclose(g, l.grad, rtol=1e-4, atol=1e-7), float((g - l.grad).abs().max())
    print("matches", path, "(names and shapes of every phi; s and nano outputs; loss %.6f, %d foreground, "
          "and its gradients at full 's' size)" % (float(loss), num_fg))


def half_weights(model):
    """float16 on disk; the reference outputs use exactly those rounded values"""
    half = OrderedDict((k, v.half() if v.is_floating_point() else v) for k, v in model.state_dict().items())
    model.load_state_dict(OrderedDict((k, v.float() if v.is_floating_point() else v) for k, v in half.items()))
    return half


def main():
    if os.environ.get("YOLOX_REFERENCE"):
        check_against_reference(os.environ["YOLOX_REFERENCE"])
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(0)
    model = YoloBody(CLASSES, "nano", 0.5)
    randomise(model, gen)
    half = half_weights(model)
    x = pictures(gen)
    io = {"input": x}
    with torch.no_grad():
        for i, o in enumerate(model.eval()(x)):
            io["out%d" % i] = o
        for i, o in enumerate(model.double().train()(x.double())):
            io["train_out%d" % i] = o
    loss, num_fg, grads = output_grads([io["train_out%d" % i] for i in range(3)], [labels(b) for b in BOXES])
    io["loss"], io["num_fg"] = loss, torch.tensor(num_fg)
    for i, g in enumerate(grads):
        io["grad_sum.%d" % i] = g.sum()
        io["grad_abs_sum.%d" % i] = g.abs().sum()

    os.makedirs(OUT, exist_ok=True)
    torch.save(half, os.path.join(OUT, "yolox_nano_w05_c3.pth"))
    torch.save(io, os.path.join(OUT, "yolox_nano_w05_c3_io.pt"))
    with open(os.path.join(OUT, "yolox_s_state_dict.txt"), "w") as f:
        for k, v in YoloBody(80, "s").state_dict().items():
            f.write("%s %s\n" % (k, list(v.shape)))
    for k in sorted(io):
        v = io[k]
        print(k, tuple(v.shape), float(v) if v.dim() == 0 else float(v.double().abs().mean()))


if __name__ == "__main__":
    main()
