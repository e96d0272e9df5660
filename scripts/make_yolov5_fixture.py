#!/usr/bin/python3
"""Writes the PyTorch fixtures that sparkdet's YOLOv5 tests (sparkdet.models.yolov5) compare against.

Run with Debian's PyTorch (apt-get install -y python3-torch python3-numpy; /usr/bin/python3), from the
repository root:  /usr/bin/python3 scripts/make_yolov5_fixture.py

The network and the loss are written here independently of sparkdet and of bubbliiiing/yolov5-pytorch
(GPL-3.0, so none of its code is copied), with that repository's module names, so its state-dict keys:
nets/CSPdarknet.py (Focus stem with a 3x3 conv, Conv = conv + BN(eps 1e-3, momentum 0.03) + SiLU, C3,
SPP 5/9/13), nets/yolo.py (YoloBody: PANet neck, 1x1 heads, outputs P5, P4, P3), nets/yolo_training.py
(YOLOLoss.forward: GIoU box loss, objectness target GIoU clamped at 0, balance [0.4, 1, 4]) and
utils/dataloader.py (YoloDataset.get_target: anchor-ratio matching below 4, two neighbouring cells).
With YOLOV5_REFERENCE=<a checkout of bubbliiiing/yolov5-pytorch> the script first checks these against
the repository's own classes: state-dict names and shapes of s, m, l and x, and at full 's' size with
the same weights the outputs, targets, loss and gradients.

Outputs, in pipeline/src/test/resources/fixtures/:
  yolov5_s_w025_c3.pth      state dict of phi 's' at width 0.25 (base channels 8, depth 1), 3 classes,
                            random weights (seed 0), floating tensors stored as float16 (file under 1 MB)
  yolov5_s_w025_c3_io.pt    "input" [3,3,64,64]; "out0", "out1", "out2" (P5, P4, P3) of that network in
                            eval mode, in float32 from the float16 weights; then, the network in float64
                            and train mode on the same input with BOXES: "loss" (the sum over the three
                            outputs, as utils_fit.py sums them), "loss0".."loss2" per output, "loss_smooth"
                            (label smoothing 0.1), and for each of GRADS "grad_sum.<name>" and
                            "grad_abs_sum.<name>" (sum and sum of absolute values of the gradient of
                            "loss"). In float64 the reference's BCE (which casts to float32) keeps its dtype.
  yolov5_s_state_dict.txt   "name shape" per line of the full-size 's' network (80 classes), in order
"""
import math
import os
import sys
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "pipeline", "src", "test", "resources", "fixtures")
ANCHORS = [(10, 13), (16, 30), (33, 23), (30, 61), (62, 45), (59, 119), (116, 90), (156, 198), (373, 326)]
MASK = [[6, 7, 8], [3, 4, 5], [0, 1, 2]]
# phi: (depth multiplier, width multiplier), nets/yolo.py
PHI = {"s": (0.33, 0.50), "m": (0.67, 0.75), "l": (1.00, 1.00), "x": (1.33, 1.25)}
WIDTH = 0.25
CLASSES = 3
SIZE = 64
# per picture: x1, y1, x2, y2 in input pixels, class (YoloV5PyTorchParityTest.BOXES); picture 3 has none
BOXES = [
    [[4, 6, 30, 40, 2], [20, 22, 60, 50, 0], [33, 1, 44, 9, 1], [21, 23, 61, 49, 1]],
    [[10, 10, 54, 58, 1], [0, 0, 64, 64, 2], [31, 31, 33, 33, 0], [34, 18, 38, 22, 2]],
    [],
]
GAIN = 2.0
GRADS = ["backbone.stem.conv.conv.weight", "backbone.dark3.1.m.0.cv2.bn.weight", "backbone.dark5.1.cv2.conv.weight",
         "conv3_for_downsample2.cv3.bn.bias", "yolo_head_P3.weight", "yolo_head_P4.bias", "yolo_head_P5.weight"]


def base_channels(phi, width):
    """int(wid_mul * 64) as nets/yolo.py, then sparkdet's extra width: a multiple of 8, at least 8"""
    return max(8, int(round(int(PHI[phi][1] * 64) * width / 8)) * 8)


def base_depth(phi):
    return max(round(PHI[phi][0] * 3), 1)


class Conv(nn.Module):
    def __init__(self, cin, cout, k=1, s=1):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, s, k // 2, bias=False)
        self.bn = nn.BatchNorm2d(cout, eps=0.001, momentum=0.03)
        self.act = nn.SiLU()

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class Focus(nn.Module):
    def __init__(self, cin, cout, k):
        super().__init__()
        self.conv = Conv(4 * cin, cout, k)

    def forward(self, x):
        return self.conv(torch.cat([x[..., ::2, ::2], x[..., 1::2, ::2], x[..., ::2, 1::2], x[..., 1::2, 1::2]], 1))


class Bottleneck(nn.Module):
    def __init__(self, c, shortcut):
        super().__init__()
        self.cv1 = Conv(c, c, 1)
        self.cv2 = Conv(c, c, 3)
        self.add = shortcut

    def forward(self, x):
        y = self.cv2(self.cv1(x))
        return x + y if self.add else y


class C3(nn.Module):
    def __init__(self, cin, cout, n, shortcut=True):
        super().__init__()
        hidden = cout // 2
        self.cv1 = Conv(cin, hidden, 1)
        self.cv2 = Conv(cin, hidden, 1)
        self.cv3 = Conv(2 * hidden, cout, 1)
        self.m = nn.Sequential(*[Bottleneck(hidden, shortcut) for _ in range(n)])

    def forward(self, x):
        return self.cv3(torch.cat([self.m(self.cv1(x)), self.cv2(x)], 1))


class SPP(nn.Module):
    def __init__(self, cin, cout, ks=(5, 9, 13)):
        super().__init__()
        hidden = cin // 2
        self.cv1 = Conv(cin, hidden, 1)
        self.cv2 = Conv(hidden * (len(ks) + 1), cout, 1)
        self.m = nn.ModuleList([nn.MaxPool2d(k, 1, k // 2) for k in ks])

    def forward(self, x):
        x = self.cv1(x)
        return self.cv2(torch.cat([x] + [m(x) for m in self.m], 1))


class CSPDarknet(nn.Module):
    def __init__(self, b, d):
        super().__init__()
        self.stem = Focus(3, b, 3)
        self.dark2 = nn.Sequential(Conv(b, 2 * b, 3, 2), C3(2 * b, 2 * b, d))
        self.dark3 = nn.Sequential(Conv(2 * b, 4 * b, 3, 2), C3(4 * b, 4 * b, 3 * d))
        self.dark4 = nn.Sequential(Conv(4 * b, 8 * b, 3, 2), C3(8 * b, 8 * b, 3 * d))
        self.dark5 = nn.Sequential(Conv(8 * b, 16 * b, 3, 2), SPP(16 * b, 16 * b), C3(16 * b, 16 * b, d, False))

    def forward(self, x):
        x = self.dark2(self.stem(x))
        feat1 = self.dark3(x)
        feat2 = self.dark4(feat1)
        return feat1, feat2, self.dark5(feat2)


class YoloBody(nn.Module):
    def __init__(self, num_classes, phi, width=1.0):
        super().__init__()
        b, d = base_channels(phi, width), base_depth(phi)
        out = 3 * (5 + num_classes)
        self.backbone = CSPDarknet(b, d)
        self.upsample = nn.Upsample(scale_factor=2, mode="nearest")
        self.conv_for_feat3 = Conv(16 * b, 8 * b, 1, 1)
        self.conv3_for_upsample1 = C3(16 * b, 8 * b, d, False)
        self.conv_for_feat2 = Conv(8 * b, 4 * b, 1, 1)
        self.conv3_for_upsample2 = C3(8 * b, 4 * b, d, False)
        self.down_sample1 = Conv(4 * b, 4 * b, 3, 2)
        self.conv3_for_downsample1 = C3(8 * b, 8 * b, d, False)
        self.down_sample2 = Conv(8 * b, 8 * b, 3, 2)
        self.conv3_for_downsample2 = C3(16 * b, 16 * b, d, False)
        self.yolo_head_P3 = nn.Conv2d(4 * b, out, 1)
        self.yolo_head_P4 = nn.Conv2d(8 * b, out, 1)
        self.yolo_head_P5 = nn.Conv2d(16 * b, out, 1)

    def forward(self, x):
        feat1, feat2, feat3 = self.backbone(x)
        p5 = self.conv_for_feat3(feat3)
        p4 = self.conv_for_feat2(self.conv3_for_upsample1(torch.cat([self.upsample(p5), feat2], 1)))
        p3 = self.conv3_for_upsample2(torch.cat([self.upsample(p4), feat1], 1))
        p4 = self.conv3_for_downsample1(torch.cat([self.down_sample1(p3), p4], 1))
        p5 = self.conv3_for_downsample2(torch.cat([self.down_sample2(p4), p5], 1))
        return self.yolo_head_P5(p5), self.yolo_head_P4(p4), self.yolo_head_P3(p3)


def normalised(picture):
    """the dataloader's box rows: centre x, centre y, width, height as fractions of the input, class (float32)"""
    box = np.array(picture, dtype=np.float32).reshape(-1, 5)
    box[:, [0, 2]] = box[:, [0, 2]] / SIZE
    box[:, [1, 3]] = box[:, [1, 3]] / SIZE
    box[:, 2:4] = box[:, 2:4] - box[:, 0:2]
    box[:, 0:2] = box[:, 0:2] + box[:, 2:4] / 2
    return box


def near_cells(x, y, i, j):
    dx, dy = x - i, y - j
    if dx > 0.5 and dy > 0.5:
        return [(0, 0), (1, 0), (0, 1)]
    if dx < 0.5 and dy > 0.5:
        return [(0, 0), (-1, 0), (0, 1)]
    if dx < 0.5 and dy < 0.5:
        return [(0, 0), (-1, 0), (0, -1)]
    return [(0, 0), (1, 0), (0, -1)]


def get_target(box, num_classes, anchors=ANCHORS, mask=MASK, size=SIZE):
    """y_true of one picture per output, as YoloDataset.get_target builds it (numpy, float32 arrays);
    anchors (input pixels), mask and the square input size default to the fixture's
    (bench/pytorch_learning_reference.py passes its own)"""
    MASK = mask
    strides = [32, 16, 8]
    y_true, best = [], []
    all_anchors = anchors
    for l in range(len(MASK)):
        h, w = size // strides[l], size // strides[l]
        y = np.zeros((len(MASK[l]), h, w, 5 + num_classes), dtype="float32")
        best_ratio = np.zeros((len(MASK[l]), h, w), dtype="float32")
        y_true.append(y)
        if len(box) == 0:
            continue
        anchors = np.array(all_anchors, dtype=np.float64) / strides[l]
        t = np.zeros_like(box)
        t[:, [0, 2]] = box[:, [0, 2]] * w
        t[:, [1, 3]] = box[:, [1, 3]] * h
        t[:, 4] = box[:, 4]
        ratios = np.concatenate([t[:, None, 2:4] / anchors[None], anchors[None] / t[:, None, 2:4]], -1).max(-1)
        for n, ratio in enumerate(ratios):
            matched = ratio < 4
            matched[np.argmin(ratio)] = True
            for k, a in enumerate(MASK[l]):
                if not matched[a]:
                    continue
                i, j = int(np.floor(t[n, 0])), int(np.floor(t[n, 1]))
                for di, dj in near_cells(t[n, 0], t[n, 1], i, j):
                    ci, cj = i + di, j + dj
                    if ci >= w or ci < 0 or cj >= h or cj < 0:
                        continue
                    if best_ratio[k, cj, ci] != 0:
                        if best_ratio[k, cj, ci] > ratio[a]:
                            y[k, cj, ci, :] = 0
                        else:
                            continue
                    y[k, cj, ci, 0:4] = t[n, 0:4]
                    y[k, cj, ci, 4] = 1
                    y[k, cj, ci, 5 + int(t[n, 4])] = 1
                    best_ratio[k, cj, ci] = ratio[a]
    return y_true


def bce(p, t):
    """the reference's BCELoss (probabilities clipped to [1e-7, 1 - 1e-7]), kept in the input's dtype"""
    p = torch.clamp(p, 1e-7, 1.0 - 1e-7)
    return -t * torch.log(p) - (1.0 - t) * torch.log(1.0 - p)


def giou(b1, b2):
    b1_min, b1_max = b1[..., :2] - b1[..., 2:4] / 2, b1[..., :2] + b1[..., 2:4] / 2
    b2_min, b2_max = b2[..., :2] - b2[..., 2:4] / 2, b2[..., :2] + b2[..., 2:4] / 2
    inter_wh = torch.max(torch.min(b1_max, b2_max) - torch.max(b1_min, b2_min), torch.zeros_like(b1_max))
    inter = inter_wh[..., 0] * inter_wh[..., 1]
    union = b1[..., 2] * b1[..., 3] + b2[..., 2] * b2[..., 3] - inter
    iou = inter / union
    enclose_wh = torch.max(torch.max(b1_max, b2_max) - torch.min(b1_min, b2_min), torch.zeros_like(b1_max))
    enclose = enclose_wh[..., 0] * enclose_wh[..., 1]
    return iou - (enclose - union) / enclose


def yolo_loss(l, output, y_true, num_classes, label_smoothing=0.0, anchors=ANCHORS, mask=MASK, size=SIZE):
    """YOLOLoss.forward(l, output, targets, y_true) for an input of size x size (anchors in input pixels,
    mask and size default to the fixture's; bench/pytorch_learning_reference.py passes its own)"""
    MASK = mask
    bs, _, h, w = output.shape
    anchors = torch.tensor([anchors[a] for a in MASK[l]], dtype=output.dtype) / torch.tensor(
        [size / w, size / h], dtype=output.dtype)
    p = output.view(bs, len(MASK[l]), 5 + num_classes, h, w).permute(0, 1, 3, 4, 2).contiguous()
    s = torch.sigmoid(p)
    gy, gx = torch.meshgrid(torch.arange(h, dtype=output.dtype), torch.arange(w, dtype=output.dtype), indexing="ij")
    boxes = torch.stack([s[..., 0] * 2 - 0.5 + gx, s[..., 1] * 2 - 0.5 + gy,
                         (s[..., 2] * 2) ** 2 * anchors[:, 0].view(1, -1, 1, 1),
                         (s[..., 3] * 2) ** 2 * anchors[:, 1].view(1, -1, 1, 1)], -1)
    y_true = y_true.type_as(output)
    positive = y_true[..., 4] == 1
    box_ratio, obj_ratio, cls_ratio = 0.05, size * size / 640 ** 2, 0.5 * num_classes / 80
    balance = [0.4, 1.0, 4][l]
    loss = 0
    if positive.sum() != 0:
        g = giou(boxes, y_true[..., :4])
        loss_loc = torch.mean((1 - g)[positive])
        cls_target = y_true[..., 5:][positive] * (1.0 - label_smoothing) + label_smoothing / num_classes
        loss_cls = torch.mean(bce(s[..., 5:][positive], cls_target))
        loss = loss + loss_loc * box_ratio + loss_cls * cls_ratio
        tobj = torch.where(positive, g.detach().clamp(0), torch.zeros_like(y_true[..., 4]))
    else:
        tobj = torch.zeros_like(y_true[..., 4])
    return loss + torch.mean(bce(s[..., 4], tobj)) * balance * obj_ratio


def batch_targets(num_classes):
    per_picture = [get_target(normalised(b), num_classes) for b in BOXES]
    return [torch.from_numpy(np.stack([p[l] for p in per_picture])) for l in range(len(MASK))]


def randomise(model, gen):
    """random weights, BN statistics away from 0/1 so that eval mode is exercised; convolutions
    N(0, 2 / fan_in): the outputs stay near unit size (He's fan-out gain of the YOLOv4-tiny fixture
    grows them to 200 through the residual stages, where 1e-4 would only measure float32 rounding)
    and still tell the pictures apart (a gain of 1 all but loses the input at P5)"""
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            n = m.kernel_size[0] * m.kernel_size[1] * m.in_channels
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
    """[3, 3, 64, 64] in [0, 1]: coarse random patterns (8 x 8, bilinear) plus fine noise; pictures
    of noise alone look alike at strides 16 and 32, where the outputs would hardly tell them apart"""
    coarse = nn.functional.interpolate(torch.rand(len(BOXES), 3, 8, 8, generator=gen), size=(SIZE, SIZE),
                                       mode="bilinear", align_corners=False)
    return (0.8 * coarse + 0.2 * torch.rand(len(BOXES), 3, SIZE, SIZE, generator=gen)).clamp(0, 1)


def check_against_reference(path):
    """the classes above against the repository's own, full 's' size, same random weights"""
    sys.path.insert(0, path)
    from nets.yolo import YoloBody as RefBody
    from nets.yolo_training import YOLOLoss as RefLoss
    from utils.dataloader import YoloDataset as RefDataset

    for phi in ("m", "l", "x"):
        shapes = [(k, v.shape) for k, v in YoloBody(CLASSES, phi).state_dict().items()]
        assert shapes == [(k, v.shape) for k, v in RefBody(MASK, CLASSES, phi).state_dict().items()], phi
    gen = torch.Generator().manual_seed(1)
    mine, ref = YoloBody(CLASSES, "s"), RefBody(MASK, CLASSES, "s")
    randomise(mine, gen)
    assert [(k, v.shape) for k, v in mine.state_dict().items()] == [(k, v.shape) for k, v in ref.state_dict().items()]
    ref.load_state_dict(mine.state_dict())
    x = torch.rand(3, 3, SIZE, SIZE, generator=gen)
    for train in (False, True):
        mine.train(train), ref.train(train)
        a, b = mine.double()(x.double()), ref.double()(x.double())
        for u, v in zip(a, b):
            # nn.SiLU against the repository's x * sigmoid(x): float64 rounding only
            assert torch.allclose(u, v, rtol=0, atol=1e-10), (train, float((u - v).abs().max()))
    dataset = RefDataset.__new__(RefDataset)
    dataset.anchors, dataset.anchors_mask, dataset.input_shape = np.array(ANCHORS, dtype=np.float64), MASK, [SIZE, SIZE]
    dataset.bbox_attrs, dataset.threshold = 5 + CLASSES, 4
    refs = [dataset.get_target(normalised(b)) for b in BOXES]
    y_true = batch_targets(CLASSES)
    for l in range(len(MASK)):
        assert np.array_equal(y_true[l].numpy(), np.stack([r[l] for r in refs])), l
    import nets.yolo_training as training
    for smoothing in (0.0, 0.1):
        # cuda=True only casts the targets to the outputs' dtype (float64 here), as yolo_loss does; the
        # CPU path would compute the target boxes' corners in float32
        ref_loss = RefLoss(np.array(ANCHORS, dtype=np.float64), CLASSES, [SIZE, SIZE], True, MASK, smoothing)
        ref_loss.clip_by_tensor = lambda t, lo, hi: torch.clamp(t, lo, hi)  # keeps float64, as bce() here
        grads = []
        for fn in (lambda l, o: yolo_loss(l, o, y_true[l], CLASSES, smoothing),
                   lambda l, o: ref_loss(l, o, [None] * len(BOXES), y_true[l])):
            ref.zero_grad()
            total = sum(fn(l, o) for l, o in enumerate(ref(x.double())))
            total.backward()
            grads.append((float(total), {k: p.grad.clone() for k, p in ref.named_parameters()}))
        assert abs(grads[0][0] - grads[1][0]) < 1e-12, (grads[0][0], grads[1][0])
        for k in grads[0][1]:
            assert torch.allclose(grads[0][1][k], grads[1][1][k], rtol=1e-9, atol=1e-12), k
    print("matches", path, "(names and shapes of s, m, l, x; network, targets, loss and gradients at full 's' size)")


def main():
    if os.environ.get("YOLOV5_REFERENCE"):
        check_against_reference(os.environ["YOLOV5_REFERENCE"])
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(0)
    model = YoloBody(CLASSES, "s", WIDTH)
    randomise(model, gen)
    # float16 on disk; the reference outputs use exactly those rounded values
    half = OrderedDict((k, v.half() if v.is_floating_point() else v) for k, v in model.state_dict().items())
    model.load_state_dict(OrderedDict((k, v.float() if v.is_floating_point() else v) for k, v in half.items()))
    model.eval()
    x = pictures(gen)
    with torch.no_grad():
        outs = model(x)
    io = {"input": x}
    for i, o in enumerate(outs):
        io["out%d" % i] = o

    model = model.double().train()
    y_true = batch_targets(CLASSES)
    outputs = model(x.double())
    parts = [yolo_loss(l, o, y_true[l], CLASSES) for l, o in enumerate(outputs)]
    loss = parts[0] + parts[1] + parts[2]
    loss.backward()
    for i, p in enumerate(parts):
        io["loss%d" % i] = p.detach()
    io["loss"] = loss.detach()
    io["loss_smooth"] = sum(yolo_loss(l, o, y_true[l], CLASSES, 0.1) for l, o in enumerate(outputs)).detach()
    params = dict(model.named_parameters())
    for name in GRADS:
        io["grad_sum." + name] = params[name].grad.sum()
        io["grad_abs_sum." + name] = params[name].grad.abs().sum()
    io["positives"] = torch.tensor([int((t[..., 4] == 1).sum()) for t in y_true])

    os.makedirs(OUT, exist_ok=True)
    torch.save(half, os.path.join(OUT, "yolov5_s_w025_c3.pth"))
    torch.save(io, os.path.join(OUT, "yolov5_s_w025_c3_io.pt"))
    with open(os.path.join(OUT, "yolov5_s_state_dict.txt"), "w") as f:
        for k, v in YoloBody(80, "s").state_dict().items():
            f.write("%s %s\n" % (k, list(v.shape)))
    for k in sorted(io):
        v = io[k]
        print(k, tuple(v.shape), float(v) if v.dim() == 0 else float(v.double().abs().mean()))


if __name__ == "__main__":
    main()
