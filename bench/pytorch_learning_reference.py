#!/usr/bin/python3
"""PyTorch reference trainer for sparkdet's learning-parity benchmark.

Trains a YOLO detector from scratch the way bubbliiiing's train.py does with optimizer_type = "adam",
no mosaic, no mixup, no freezing: weights_init, Adam with that script's three parameter groups, the
'cos' learning-rate schedule set once per epoch, get_random_data(random=True) augmentation, and the
family's (--arch) network, loss with target assignment, and decoding:
  yolov4-tiny  bubbliiiing/yolov4-tiny-pytorch: YOLOLoss (CIoU, ignore threshold 0.5, balance/box/obj/cls
               ratios), 6 anchors, mask 3,4,5;1,2,3; network of scripts/make_yolov4_tiny_fixture.py
               (variant phi0, or phi1..phi4 with its SE, CBAM, ECA or CA attention)
  yolov4       bubbliiiing/yolov4-pytorch: the same YOLOLoss as train.py sets it (CIoU, no focal loss),
               9 anchors, mask 6,7,8;3,4,5;0,1,2; CSPDarknet-53, SPP and PANet of
               scripts/make_yolov4_fixture.py (variant cspdarknet53, width multiplier)
  yolov3       bubbliiiing/yolo3-pytorch: the same YOLOLoss with the GIoU box term (and its ratios:
               obj 5 x input area / 416^2, cls classes / 80), 9 anchors, mask 6,7,8;3,4,5;0,1,2;
               DarkNet-53 of scripts/make_yolov3_fixture.py (variant darknet53, width multiplier)
  yolov5       bubbliiiing/yolov5-pytorch: YoloDataset.get_target in the data loader (anchor ratio
               below 4, two neighbouring cells) and YOLOLoss (GIoU box term, objectness target the
               clamped GIoU, balance [0.4, 1, 4], obj input area / 640^2, cls 0.5 classes / 80, label
               smoothing), DecodeBox's 2 sigmoid - 0.5 offsets and (2 sigmoid)^2 anchor sizes; YoloBody
               (phi = --variant, width multiplier), get_target and yolo_loss imported from
               scripts/make_yolov5_fixture.py (checked there against the repository's own classes)
  yolox        bubbliiiing/yolox-pytorch: anchor-free (no --anchors, no --mask). YoloBody (phi = --variant
               s, nano, tiny, m, l or x, width multiplier) and YOLOLoss imported from
               scripts/make_yolox_fixture.py (checked there against the repository's own classes): the
               three outputs (strides 8, 16, 32) decoded as (xy + grid) * stride, exp(wh) * stride, SimOTA
               (centre radius 2.5, cost cls + 3 (-log IoU) + 1e5 outside box-and-centre, dynamic k), loss
               (5 sum(1 - IoU^2) + sum BCE(obj) + sum BCE(cls, one-hot x IoU)) / max(foreground of the
               batch, 1), the value utils_fit.fit_one_epoch back-propagates (no L1 term, no label
               smoothing). The data loader's pixels are preprocess_input's (/ 255, minus the ImageNet
               mean, over its std; the other families only / 255) and its boxes centre x, centre y,
               width, height in input pixels (the others: fractions of the input), class. Evaluation
               decodes as utils_bbox.decode_outputs (sigmoid objectness and classes, boxes over the input
               size) and non_max_suppression (score objectness x class confidence, per-class NMS:
               batched_nms, the same set as the per-class loop here; letterbox correction).
               Initialisation: train.py calls weights_init(model) as the other repositories do; the
               network's own BaseConv BatchNorm2d(eps 1e-3, momentum 0.03) stays, and the prediction
               convolutions keep PyTorch's default bias (this repository has no prior-probability bias,
               unlike Megvii's YOLOX). Its train.py's defaults are yolov5-pytorch's (SGD 1e-2 at batch 64,
               nesterov, momentum 0.937, weight decay 5e-4, mosaic and mixup, 50 frozen epochs, ModelEMA
               always) but for label smoothing, which it lacks; its parameter groups, nbs-64 scaling with
               Adam's bounds [3e-4, 1e-3] and get_lr_scheduler('cos') are the same code as
               yolov5-pytorch's, so they are the same here.
Every family shares the same data, optimiser, schedule, training step and evaluation code. --ema adds
yolov5-pytorch's ModelEMA (the train.py of yolov5-pytorch and of yolox-pytorch always use it, the same
class; sparkdet's conf/shapes*.conf do not): the averaged model is evaluated and saved.
Every --eval-period epochs and after the last one it writes get_map.py-style detection files of the
validation images (EvalCallback.get_map_txt: letterbox, DecodeBox or yolox's decode_outputs,
per-class NMS, top 100) for `sparkdet evaluate --detections DIR/epoch-NNNN`.

The code is written for sparkdet following those repositories (nets/yolo_training.py,
utils/dataloader.py, utils/utils_fit.py, utils/utils_bbox.py, yolo.py, utils/callbacks.py, train.py):
the same formulas, constants and order of operations, re-expressed. The networks are those of the
fixture scripts (the repositories' module and state-dict names, width multiplier).
bench/check_learning_reference.py compares the losses, targets and decoding with the repositories' own
code (yolox: the loss and its gradients, the data loader's pixels and boxes, decode_outputs).

Debian packages (run with /usr/bin/python3):
    apt-get install -y --no-install-recommends python3-torch python3-numpy python3-pil python3-opencv
(torchvision is not needed: the per-class NMS is done here with torchvision.ops.nms's rule.)

usage:
  pytorch_learning_reference.py init --classes N [--arch yolov4-tiny|yolov3|yolov4|yolov5|yolox] [--variant V]
        [--width 0.25] [--seed 11] --out FILE.pth
  pytorch_learning_reference.py train --train ROOT --val ROOT --anchors "w0,h0,...,w5,h5" (none for yolox)
        [--arch yolov4-tiny|yolov3|yolov4|yolov5|yolox] [--variant V] [--mask "3,4,5;1,2,3"] [--classes FILE]
        [--init FILE.pth] [--input 160] [--width 0.25] [--label-smoothing 0] [--ema] [--epochs 40] [--batch 16] [--lr 1e-3] [--min-lr 1e-5] [--warmup-epochs 0] [--nbs-fit]
        [--momentum 0.9] [--weight-decay 0] [--jitter 0.0] [--scale-min 0.9] [--scale-max 1.1]
        [--flip 0.5] [--hue 0.02] [--sat 0.2] [--value 0.2] [--threads 2] [--workers 2]
        [--worker-seeding distinct|reference] [--seed 11] [--eval-period 5] [--confidence 0.001]
        [--nms-iou 0.5] [--max-boxes 100] [--reference-format] [--heldout ROOT] --out DIR

Outputs of train: DIR/history.csv (epoch,train_loss,lr,seconds; epoch counted from 1; train_loss is
the mean over the epoch's steps of the loss fit_one_epoch back-propagates; seconds is the wall time
of the epoch's training loop, data loading included, evaluation excluded), DIR/epoch-NNNN/<stem>.txt
("<class> <score> <xmin> <ymin> <xmax> <ymax>" in the original image's pixels, an empty file when
nothing is found), DIR/final.pth (float32 state dict), and with --heldout DIR/heldout/<stem>.txt of the
final model.
"""
import argparse
import copy
import csv
import math
import os
import random
import sys
import time
import xml.etree.ElementTree as ET

import cv2
import numpy as np
import torch
import torch.nn as nn
from PIL import Image
from torch.utils.data import DataLoader, Dataset

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
import make_yolov5_fixture as v5  # noqa: E402
from make_yolov3_fixture import YoloV3  # noqa: E402
from make_yolov4_fixture import YoloV4  # noqa: E402
from make_yolov4_tiny_fixture import YoloV4Tiny  # noqa: E402
import make_yolox_fixture as yx  # noqa: E402

cv2.setNumThreads(1)


# ----------------------------------------------------------------------------------------------
# data
# ----------------------------------------------------------------------------------------------

def read_classes(path):
    with open(path, encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip()]


def read_voc(root, class_names):
    """[(stem, jpeg path, int64 array (n, 5) of xmin, ymin, xmax, ymax, class)] as voc_annotation.py
    makes its lines: every Annotations/*.xml sorted by name, difficult objects and unknown classes
    left out, coordinates int(float(text))."""
    ann_dir = os.path.join(root, "Annotations")
    items = []
    for name in sorted(os.listdir(ann_dir)):
        if not name.endswith(".xml"):
            continue
        stem = name[:-4]
        tree = ET.parse(os.path.join(ann_dir, name))
        rows = []
        for obj in tree.getroot().iter("object"):
            d = obj.find("difficult")
            difficult = int(d.text) if d is not None and d.text is not None else 0
            cls = obj.find("name").text.strip()
            if cls not in class_names or difficult == 1:
                continue
            bb = obj.find("bndbox")
            rows.append([int(float(bb.find(k).text)) for k in ("xmin", "ymin", "xmax", "ymax")]
                        + [class_names.index(cls)])
        boxes = np.array(rows, dtype=np.int64).reshape(-1, 5)
        items.append((stem, os.path.join(root, "JPEGImages", stem + ".jpg"), boxes))
    if not items:
        raise SystemExit("no annotations under " + ann_dir)
    return items


def open_rgb(img):
    """cvtColor: a 3-channel image as it is, anything else converted to RGB."""
    if len(np.shape(img)) == 3 and np.shape(img)[2] == 3:
        return img
    return img.convert("RGB")


def letterbox(img, w, h):
    """resize_image(letterbox_image=True): keep the aspect ratio, grey bars, centred."""
    iw, ih = img.size
    s = min(w / iw, h / ih)
    nw, nh = int(iw * s), int(ih * s)
    canvas = Image.new("RGB", (w, h), (128, 128, 128))
    canvas.paste(img.resize((nw, nh), Image.BICUBIC), ((w - nw) // 2, (h - nh) // 2))
    return canvas


def preprocess(image, arch):
    """a float32 HWC picture of 0..255 as the network's input: yolox-pytorch's preprocess_input (/ 255,
    minus the ImageNet mean, over its std, in place as there), the other repositories' / 255"""
    if arch == "yolox":
        image /= 255.0
        image -= np.array([0.485, 0.456, 0.406])
        image /= np.array([0.229, 0.224, 0.225])
        return image
    return image / np.float32(255.0)


def rnd(a=0.0, b=1.0):
    return np.random.rand() * (b - a) + a


def hsv_jitter(data, gains):
    """get_random_data's colour change: gains (hue, sat, val) drawn as uniform(-1, 1) x gain + 1, applied
    through lookup tables in OpenCV's uint8 HSV space (H in 0..179)"""
    gain = np.random.uniform(-1, 1, 3) * list(gains) + 1
    ch_h, ch_s, ch_v = cv2.split(cv2.cvtColor(data, cv2.COLOR_RGB2HSV))
    levels = np.arange(0, 256, dtype=gain.dtype)
    tab_h = ((levels * gain[0]) % 180).astype(np.uint8)
    tab_s = np.clip(levels * gain[1], 0, 255).astype(np.uint8)
    tab_v = np.clip(levels * gain[2], 0, 255).astype(np.uint8)
    return cv2.cvtColor(cv2.merge((cv2.LUT(ch_h, tab_h), cv2.LUT(ch_s, tab_s), cv2.LUT(ch_v, tab_v))),
                        cv2.COLOR_HSV2RGB)


class TrainSet(Dataset):
    """YoloDataset(train=True, mosaic=False, mixup=False): get_random_data(random=True) with the scale
    drawn from [scale_min, scale_max] instead of [.25, 2]. Boxes: centre x, centre y, width, height as
    fractions of the input, class; yolox: in input pixels."""

    def __init__(self, items, size, a, dataset_targets=None, arch=None):
        self.items = items
        self.arch = arch
        self.dataset_targets = dataset_targets  # yolov5: YoloDataset.get_target, per output
        self.h = self.w = size
        self.jitter, self.smin, self.smax = a.jitter, a.scale_min, a.scale_max
        self.pflip, self.hsv = a.flip, (a.hue, a.sat, a.val_gain)

    def __len__(self):
        return len(self.items)

    def augment(self, path, boxes):
        img = open_rgb(Image.open(path))
        iw, ih = img.size
        h, w = self.h, self.w
        box = boxes.copy()  # stays int64: the corrected coordinates are truncated as in the reference

        # aspect-ratio jitter and scale, then resize
        aspect = iw / ih * rnd(1 - self.jitter, 1 + self.jitter) / rnd(1 - self.jitter, 1 + self.jitter)
        scale = rnd(self.smin, self.smax)
        if aspect < 1:
            nh = int(scale * h)
            nw = int(nh * aspect)
        else:
            nw = int(scale * w)
            nh = int(nw / aspect)
        img = img.resize((nw, nh), Image.BICUBIC)

        # random placement on a grey canvas
        dx = int(rnd(0, w - nw))
        dy = int(rnd(0, h - nh))
        canvas = Image.new("RGB", (w, h), (128, 128, 128))
        canvas.paste(img, (dx, dy))

        flip = rnd() < self.pflip
        if flip:
            canvas = canvas.transpose(Image.FLIP_LEFT_RIGHT)
        data = np.array(canvas, np.uint8)

        data = hsv_jitter(data, self.hsv)

        # boxes follow the image; those left thinner than 2 px are dropped
        if len(box) > 0:
            np.random.shuffle(box)
            box[:, [0, 2]] = box[:, [0, 2]] * nw / iw + dx
            box[:, [1, 3]] = box[:, [1, 3]] * nh / ih + dy
            if flip:
                box[:, [0, 2]] = w - box[:, [2, 0]]
            box[:, 0:2][box[:, 0:2] < 0] = 0
            box[:, 2][box[:, 2] > w] = w
            box[:, 3][box[:, 3] > h] = h
            bw = box[:, 2] - box[:, 0]
            bh = box[:, 3] - box[:, 1]
            box = box[np.logical_and(bw > 1, bh > 1)]
        return data, box

    def __getitem__(self, index):
        _, path, boxes = self.items[index % len(self.items)]
        data, box = self.augment(path, boxes)
        image = np.transpose(preprocess(np.array(data, dtype=np.float32), self.arch), (2, 0, 1))
        box = np.array(box, dtype=np.float32).reshape(-1, 5)
        if len(box):
            if self.arch != "yolox":
                box[:, [0, 2]] = box[:, [0, 2]] / self.w
                box[:, [1, 3]] = box[:, [1, 3]] / self.h
            box[:, 2:4] = box[:, 2:4] - box[:, 0:2]       # width, height
            box[:, 0:2] = box[:, 0:2] + box[:, 2:4] / 2   # centre
        y_true = self.dataset_targets(box) if self.dataset_targets else []
        return image, box, y_true


def collate(batch):
    """images, the boxes of each picture, and (yolov5) each output's y_true stacked over the batch"""
    images = torch.from_numpy(np.array([b[0] for b in batch])).float()
    y_trues = [torch.from_numpy(np.array([b[2][l] for b in batch], np.float32)) for l in range(len(batch[0][2]))]
    return images, [torch.from_numpy(b[1]).float() for b in batch], y_trues


# ----------------------------------------------------------------------------------------------
# loss (YOLOLoss)
# ----------------------------------------------------------------------------------------------

def iou_xywh(a, b):
    """[A, B] IoU of centre-size boxes (calculate_iou: corners first, no epsilon)."""
    ax1, ax2 = a[:, 0] - a[:, 2] / 2, a[:, 0] + a[:, 2] / 2
    ay1, ay2 = a[:, 1] - a[:, 3] / 2, a[:, 1] + a[:, 3] / 2
    bx1, bx2 = b[:, 0] - b[:, 2] / 2, b[:, 0] + b[:, 2] / 2
    by1, by2 = b[:, 1] - b[:, 3] / 2, b[:, 1] + b[:, 3] / 2
    iw = (torch.min(ax2[:, None], bx2[None, :]) - torch.max(ax1[:, None], bx1[None, :])).clamp(min=0)
    ih = (torch.min(ay2[:, None], by2[None, :]) - torch.max(ay1[:, None], by1[None, :])).clamp(min=0)
    inter = iw * ih
    area_a = ((ax2 - ax1) * (ay2 - ay1))[:, None]
    area_b = ((bx2 - bx1) * (by2 - by1))[None, :]
    return inter / (area_a + area_b - inter)


def ciou(p, t):
    """Complete IoU of predicted and true centre-size boxes, [..., 4] -> [...] (box_ciou)."""
    p_min, p_max = p[..., :2] - p[..., 2:4] / 2.0, p[..., :2] + p[..., 2:4] / 2.0
    t_min, t_max = t[..., :2] - t[..., 2:4] / 2.0, t[..., :2] + t[..., 2:4] / 2.0
    inter_wh = torch.max(torch.min(p_max, t_max) - torch.max(p_min, t_min), torch.zeros_like(p_max))
    inter = inter_wh[..., 0] * inter_wh[..., 1]
    union = p[..., 2] * p[..., 3] + t[..., 2] * t[..., 3] - inter
    iou = inter / torch.clamp(union, min=1e-6)
    centre_d2 = torch.sum((p[..., :2] - t[..., :2]) ** 2, dim=-1)
    encl_wh = torch.max(torch.max(p_max, t_max) - torch.min(p_min, t_min), torch.zeros_like(p_max))
    diag2 = torch.sum(encl_wh ** 2, dim=-1)
    out = iou - 1.0 * centre_d2 / torch.clamp(diag2, min=1e-6)
    v = (4 / (math.pi ** 2)) * (torch.atan(p[..., 2] / torch.clamp(p[..., 3], min=1e-6))
                                - torch.atan(t[..., 2] / torch.clamp(t[..., 3], min=1e-6))) ** 2
    alpha = v / torch.clamp(1.0 - iou + v, min=1e-6)
    return out - alpha * v


def bce(p, t):
    p = torch.clamp(p.float(), 1e-7, 1.0 - 1e-7)
    return -t * torch.log(p) - (1.0 - t) * torch.log(1.0 - p)


def in_grid(t, gh, gw):
    """a picture's targets (centre-size fractions of the input, class) in grid units"""
    g = t.clone()
    g[:, [0, 2]] = t[:, [0, 2]] * gw
    g[:, [1, 3]] = t[:, [1, 3]] * gh
    return g


class YoloLoss:
    """YOLOLoss of yolov4-tiny-pytorch (box_iou = ciou) and of yolo3-pytorch (box_iou = giou: the same
    class with self.giou = True); __call__(l, output, targets) is one layer's loss. targets: per image a
    [n, 5] tensor of centre x, centre y, w, h (fractions of the input) and class. yolo3-pytorch has no
    fallback to the next-best anchor, which only applies when an anchor is in no mask (never with 9)."""

    def __init__(self, anchors, num_classes, input_hw, masks, label_smoothing=0.0, box_iou=ciou):
        self.anchors = [tuple(a) for a in anchors]
        self.nc = num_classes
        self.attrs = 5 + num_classes
        self.input_hw = input_hw
        self.masks = masks
        self.label_smoothing = label_smoothing  # smooth_labels of yolov4-tiny-pytorch (0: none)
        self.box_iou = box_iou
        self.balance = [0.4, 1.0, 4]
        self.box_ratio = 0.05
        self.obj_ratio = 5 * (input_hw[0] * input_hw[1]) / (416 ** 2)
        self.cls_ratio = 1 * (num_classes / 80)
        self.ignore_threshold = 0.5

    def in_some_mask(self, n):
        return any(n in m for m in self.masks)

    def targets_for(self, l, targets, scaled, gh, gw):
        bs, na = len(targets), len(self.masks[l])
        noobj = torch.ones(bs, na, gh, gw)
        y_true = torch.zeros(bs, na, gh, gw, self.attrs)
        anchor_boxes = torch.cat((torch.zeros(len(scaled), 2), torch.FloatTensor(scaled)), 1)
        for b in range(bs):
            if len(targets[b]) == 0:
                continue
            tg = in_grid(targets[b], gh, gw)
            shape_boxes = torch.cat((torch.zeros(tg.size(0), 2), tg[:, 2:4]), 1)
            ious = iou_xywh(shape_boxes, anchor_boxes)   # shape-only IoU with every anchor
            best = torch.argmax(ious, dim=-1)
            ranked = torch.argsort(ious, dim=-1, descending=True)
            for t in range(tg.size(0)):
                n = int(best[t])
                if not self.in_some_mask(n):        # best anchor used by no output: next best that is
                    for cand in ranked[t].tolist():
                        if self.in_some_mask(cand):
                            n = cand
                            break
                if n not in self.masks[l]:
                    continue
                k = self.masks[l].index(n)
                i = int(torch.floor(tg[t, 0]))
                j = int(torch.floor(tg[t, 1]))
                c = int(tg[t, 4])
                noobj[b, k, j, i] = 0
                y_true[b, k, j, i, 0:4] = tg[t, 0:4]
                y_true[b, k, j, i, 4] = 1
                y_true[b, k, j, i, c + 5] = 1
        return y_true, noobj

    def __call__(self, l, output, targets):
        bs, _, gh, gw = output.shape
        sh, sw = self.input_hw[0] / gh, self.input_hw[1] / gw
        scaled = [(aw / sw, ah / sh) for aw, ah in self.anchors]
        na = len(self.masks[l])
        pred = output.view(bs, na, self.attrs, gh, gw).permute(0, 1, 3, 4, 2).contiguous()
        x = torch.sigmoid(pred[..., 0])
        y = torch.sigmoid(pred[..., 1])
        w = pred[..., 2]
        h = pred[..., 3]
        conf = torch.sigmoid(pred[..., 4])
        cls = torch.sigmoid(pred[..., 5:])

        y_true, noobj = self.targets_for(l, targets, scaled, gh, gw)

        # decoded boxes in grid units; cells whose box already overlaps a truth above the threshold
        # are not pushed towards background (get_ignore)
        grid_x = torch.arange(gw, dtype=x.dtype).view(1, 1, 1, gw)
        grid_y = torch.arange(gh, dtype=x.dtype).view(1, 1, gh, 1)
        anc = torch.tensor([scaled[n] for n in self.masks[l]], dtype=torch.float32)
        anc_w = anc[:, 0].view(1, na, 1, 1)
        anc_h = anc[:, 1].view(1, na, 1, 1)
        boxes = torch.stack([x + grid_x, y + grid_y, torch.exp(w) * anc_w, torch.exp(h) * anc_h], dim=-1)
        for b in range(bs):
            if len(targets[b]) == 0:
                continue
            tg = in_grid(targets[b], gh, gw)
            best = torch.max(iou_xywh(tg[:, :4], boxes[b].view(-1, 4)), dim=0)[0].view(boxes[b].shape[:3])
            noobj[b][best > self.ignore_threshold] = 0

        loss = 0
        obj = y_true[..., 4] == 1
        if torch.sum(obj) != 0:
            loss_loc = torch.mean((1 - self.box_iou(boxes, y_true[..., :4]))[obj])
            cls_true = y_true[..., 5:][obj]
            if self.label_smoothing:
                cls_true = cls_true * (1.0 - self.label_smoothing) + self.label_smoothing / self.nc
            loss_cls = torch.mean(bce(cls[obj], cls_true))
            loss = loss + loss_loc * self.box_ratio + loss_cls * self.cls_ratio
        loss_conf = torch.mean(bce(conf, obj.type_as(conf))[noobj.bool() | obj])
        return loss + loss_conf * self.balance[l] * self.obj_ratio


# ----------------------------------------------------------------------------------------------
# the families: network, loss with target assignment, decoding
# ----------------------------------------------------------------------------------------------

ARCHS = {
    # anchors, default mask (output 0 first: P5, then P4, P3), variants (the first is the default)
    "yolov4-tiny": (6, "3,4,5;1,2,3", ("phi0", "phi1", "phi2", "phi3", "phi4")),
    "yolov3": (9, "6,7,8;3,4,5;0,1,2", ("darknet53",)),
    "yolov4": (9, "6,7,8;3,4,5;0,1,2", ("cspdarknet53",)),
    "yolov5": (9, "6,7,8;3,4,5;0,1,2", ("s", "m", "l", "x")),
    "yolox": (0, None, ("s", "nano", "tiny", "m", "l", "x")),  # anchor-free
}


def variant_of(a):
    variants = ARCHS[a.arch][2]
    v = a.variant or variants[0]
    if v not in variants:
        raise SystemExit("--variant %s: %s has %s" % (v, a.arch, ", ".join(variants)))
    return v


def build_model(arch, nc, variant, width):
    if arch == "yolox":
        return yx.YoloBody(nc, variant, width)
    if arch == "yolov4-tiny":
        return YoloV4Tiny(nc, width, int(variant[3:]))
    if arch == "yolov3":
        return YoloV3(nc, width)
    if arch == "yolov4":
        return YoloV4(nc, width)
    return v5.YoloBody(nc, variant, width)


def make_loss(arch, anchors, nc, input_hw, masks, label_smoothing):
    """the family's loss of one output: f(l, output, targets, y_true), y_true from dataset_targets"""
    if arch == "yolov5":
        if input_hw[0] != input_hw[1]:
            raise SystemExit("yolov5: a square input only")
        return lambda l, out, targets, y_true: v5.yolo_loss(l, out, y_true, nc, label_smoothing, anchors, masks,
                                                            input_hw[0])
    if arch == "yolov3" and label_smoothing:
        raise SystemExit("yolo3-pytorch's YOLOLoss has no label smoothing")
    loss = YoloLoss(anchors, nc, input_hw, masks, label_smoothing, ciou if arch in ("yolov4-tiny", "yolov4") else v5.giou)
    return lambda l, out, targets, y_true: loss(l, out, targets)


def make_total_loss(arch, anchors, nc, input_hw, masks, label_smoothing):
    """the loss fit_one_epoch back-propagates: f(outputs, targets, y_trues). The anchor-based families
    sum make_loss over the outputs (P5 first); yolox's YOLOLoss takes the three outputs at once and is
    already divided by the batch's foreground count, max(num_fg, 1)"""
    if arch == "yolox":
        if label_smoothing:
            raise SystemExit("yolox-pytorch's YOLOLoss has no label smoothing")
        if input_hw[0] % 32 or input_hw[1] % 32:
            raise SystemExit("yolox: an input size that is a multiple of 32 (strides 8, 16, 32)")
        return lambda outs, targets, y_trues: yx.yolox_loss(outs, targets, nc)[0]
    per_output = make_loss(arch, anchors, nc, input_hw, masks, label_smoothing)
    return lambda outs, targets, y_trues: sum(per_output(l, o, targets, y_trues[l] if y_trues else None)
                                              for l, o in enumerate(outs))


def make_dataset_targets(arch, anchors, nc, masks, size):
    """yolov5 assigns targets in its data loader (YoloDataset.get_target); the others in the loss"""
    if arch != "yolov5":
        return None
    if len(masks) != 3:
        raise SystemExit("yolov5: three outputs (strides 32, 16, 8)")
    return lambda box: v5.get_target(box, nc, anchors, masks, size)


class ModelEMA:
    """yolov5-pytorch's ModelEMA: after each step every floating tensor of the state dict (BN statistics
    too) becomes d * average + (1 - d) * weights, d = 0.9999 * (1 - exp(-updates / 2000))"""

    def __init__(self, model, decay=0.9999, tau=2000):
        self.ema = copy.deepcopy(model).eval()
        self.updates = 0
        self.decay = lambda x: decay * (1 - math.exp(-x / tau))
        for p in self.ema.parameters():
            p.requires_grad_(False)

    def update(self, model):
        with torch.no_grad():
            self.updates += 1
            d = self.decay(self.updates)
            msd = model.state_dict()
            for k, v in self.ema.state_dict().items():
                if v.dtype.is_floating_point:
                    v *= d
                    v += (1 - d) * msd[k].detach()


# ----------------------------------------------------------------------------------------------
# initialisation, optimiser, schedule
# ----------------------------------------------------------------------------------------------

def weights_init(net, gain=0.02):
    """weights_init(init_type='normal'): modules whose class name contains 'Conv' and that have a weight
    get N(0, gain); BatchNorm2d weight N(1, 0.02), bias 0. Conv biases keep PyTorch's default."""
    def visit(m):
        kind = m.__class__.__name__
        if hasattr(m, "weight") and "Conv" in kind:
            torch.nn.init.normal_(m.weight.data, 0.0, gain)
        elif "BatchNorm2d" in kind:
            torch.nn.init.normal_(m.weight.data, 1.0, 0.02)
            torch.nn.init.constant_(m.bias.data, 0.0)
    net.apply(visit)


def param_groups(model):
    """train.py's pg0 (BN weights), pg1 (other weights, with weight decay), pg2 (biases)."""
    pg0, pg1, pg2 = [], [], []
    for name, mod in model.named_modules():
        if hasattr(mod, "bias") and isinstance(mod.bias, nn.Parameter):
            pg2.append(mod.bias)
        if isinstance(mod, nn.BatchNorm2d) or "bn" in name:
            pg0.append(mod.weight)
        elif hasattr(mod, "weight") and isinstance(mod.weight, nn.Parameter):
            pg1.append(mod.weight)
    return pg0, pg1, pg2


def cos_schedule(lr, min_lr, total, warmup, warmup_start_ratio=0.1, floor_ratio=0.05):
    """get_lr_scheduler('cos', lr, min_lr, total) as a function of the epoch index (from 0).
    warmup > 0: the reference's squared warm-up from max(warmup_start_ratio x lr, 1e-6) over that many
    epochs (the YOLO repositories' own value is min(max(0.05 total, 1), 3)); warmup == 0: none,
    lr(0) = lr. The last min(max(floor_ratio x total, 1), 15) epochs run at min_lr: the YOLO
    repositories' ratio is 0.05, the segmentation repositories' 0.3 (deeplabv3-plus), 0.1 (pspnet)
    or 0.05 (unet)."""
    start = max(warmup_start_ratio * lr, 1e-6)
    tail = min(max(floor_ratio * total, 1), 15)

    def at(it):
        if warmup > 0 and it <= warmup:
            return (lr - start) * pow(it / float(warmup), 2) + start
        if it >= total - tail:
            return min_lr
        return min_lr + 0.5 * (lr - min_lr) * (
            1.0 + math.cos(math.pi * (it - warmup) / (total - warmup - tail)))
    return at


# ----------------------------------------------------------------------------------------------
# evaluation (DecodeBox, non_max_suppression, get_map_txt)
# ----------------------------------------------------------------------------------------------

def decode(outputs, anchors, masks, input_hw, nc, arch="yolov4-tiny"):
    """[bs, N, 5 + nc]: centre x, centre y, w, h as fractions of the input, objectness, class probs.
    yolov5: DecodeBox's sigmoid * 2 - 0.5 + grid and (sigmoid * 2)^2 * anchor; the others
    sigmoid + grid and exp * anchor; yolox: decode_outputs (no anchors)."""
    if arch == "yolox":
        return decode_yolox(outputs, input_hw)
    res = []
    for i, out in enumerate(outputs):
        bs, _, gh, gw = out.shape
        sh, sw = input_hw[0] / gh, input_hw[1] / gw
        na = len(masks[i])
        anc = torch.tensor([(anchors[n][0] / sw, anchors[n][1] / sh) for n in masks[i]], dtype=torch.float32)
        p = out.view(bs, na, 5 + nc, gh, gw).permute(0, 1, 3, 4, 2).contiguous()
        gx = torch.arange(gw, dtype=torch.float32).view(1, 1, 1, gw)
        gy = torch.arange(gh, dtype=torch.float32).view(1, 1, gh, 1)
        if arch == "yolov5":
            s = torch.sigmoid(p[..., :4])
            bx = torch.stack([s[..., 0] * 2. - 0.5 + gx, s[..., 1] * 2. - 0.5 + gy,
                              (s[..., 2] * 2) ** 2 * anc[:, 0].view(1, na, 1, 1),
                              (s[..., 3] * 2) ** 2 * anc[:, 1].view(1, na, 1, 1)], dim=-1)
        else:
            bx = torch.stack([torch.sigmoid(p[..., 0]) + gx, torch.sigmoid(p[..., 1]) + gy,
                              torch.exp(p[..., 2]) * anc[:, 0].view(1, na, 1, 1),
                              torch.exp(p[..., 3]) * anc[:, 1].view(1, na, 1, 1)], dim=-1)
        scale = torch.tensor([gw, gh, gw, gh], dtype=torch.float32)
        res.append(torch.cat((bx.view(bs, -1, 4) / scale, torch.sigmoid(p[..., 4]).view(bs, -1, 1),
                              torch.sigmoid(p[..., 5:]).view(bs, -1, nc)), -1))
    return torch.cat(res, 1)


def decode_yolox(outputs, input_hw):
    """yolox-pytorch's utils_bbox.decode_outputs: the outputs (strides 8, 16, 32; reg, obj, cls) as
    [bs, N, 5 + nc] of (xy + grid) * stride and exp(wh) * stride over the input's width and height,
    sigmoid objectness and class probabilities; the stride is input height / output height"""
    hw = [o.shape[-2:] for o in outputs]
    out = torch.cat([o.flatten(start_dim=2) for o in outputs], dim=2).permute(0, 2, 1).clone()
    out[:, :, 4:] = torch.sigmoid(out[:, :, 4:])
    grids, strides = [], []
    for h, w in hw:
        gy, gx = torch.meshgrid(torch.arange(h), torch.arange(w), indexing="ij")
        grid = torch.stack((gx, gy), 2).view(1, -1, 2)
        grids.append(grid)
        strides.append(torch.full((1, grid.shape[1], 1), input_hw[0] / h))
    grids = torch.cat(grids, dim=1).type(out.type())
    strides = torch.cat(strides, dim=1).type(out.type())
    out[..., :2] = (out[..., :2] + grids) * strides
    out[..., 2:4] = torch.exp(out[..., 2:4]) * strides
    out[..., [0, 2]] = out[..., [0, 2]] / input_hw[1]
    out[..., [1, 3]] = out[..., [1, 3]] / input_hw[0]
    return out


def greedy_nms(boxes, scores, thr):
    """torchvision.ops.nms: highest score first, drop every later box with IoU > thr."""
    x1, y1, x2, y2 = boxes.unbind(1)
    area = (x2 - x1) * (y2 - y1)
    iw = (torch.min(x2[:, None], x2[None, :]) - torch.max(x1[:, None], x1[None, :])).clamp(min=0)
    ih = (torch.min(y2[:, None], y2[None, :]) - torch.max(y1[:, None], y1[None, :])).clamp(min=0)
    inter = iw * ih
    over = (inter / (area[:, None] + area[None, :] - inter) > thr).numpy()
    order = torch.argsort(scores, descending=True).numpy()
    gone = np.zeros(len(order), dtype=bool)
    keep = []
    for idx in order:
        if gone[idx]:
            continue
        keep.append(idx)
        gone |= over[idx]
    return torch.as_tensor(np.array(keep, dtype=np.int64))


def correct_boxes(xy, wh, input_hw, image_hw):
    """yolo_correct_boxes(letterbox_image=True): [n, 4] of top, left, bottom, right in image pixels."""
    yx, hw = xy[..., ::-1], wh[..., ::-1]
    inp, img = np.array(input_hw), np.array(image_hw)
    new = np.round(img * np.min(inp / img))
    offset = (inp - new) / 2. / inp
    scale = inp / new
    yx = (yx - offset) * scale
    hw = hw * scale
    mins, maxs = yx - hw / 2., yx + hw / 2.
    out = np.concatenate([mins[..., 0:1], mins[..., 1:2], maxs[..., 0:1], maxs[..., 1:2]], axis=-1)
    return out * np.concatenate([img, img], axis=-1)


def nms_image(pred, nc, input_hw, image_hw, conf_thres, nms_thres):
    """non_max_suppression for one image: [m, 7] numpy rows of top, left, bottom, right, objectness,
    class prob, class, or None. yolox-pytorch's batched_nms keeps the same boxes as this per-class
    loop (in score order; get_map_txt sorts them anyway)."""
    corner = pred.clone()
    corner[:, 0] = pred[:, 0] - pred[:, 2] / 2
    corner[:, 1] = pred[:, 1] - pred[:, 3] / 2
    corner[:, 2] = pred[:, 0] + pred[:, 2] / 2
    corner[:, 3] = pred[:, 1] + pred[:, 3] / 2
    cls_conf, cls_pred = torch.max(corner[:, 5:5 + nc], 1, keepdim=True)
    keep = corner[:, 4] * cls_conf[:, 0] >= conf_thres
    corner, cls_conf, cls_pred = corner[keep], cls_conf[keep], cls_pred[keep]
    if not corner.size(0):
        return None
    det = torch.cat((corner[:, :5], cls_conf.float(), cls_pred.float()), 1)
    parts = []
    for c in det[:, -1].unique():
        dc = det[det[:, -1] == c]
        parts.append(dc[greedy_nms(dc[:, :4], dc[:, 4] * dc[:, 5], nms_thres)])
    out = torch.cat(parts).numpy()
    xy, wh = (out[:, 0:2] + out[:, 2:4]) / 2, out[:, 2:4] - out[:, 0:2]
    out = out.astype(np.float64)
    out[:, :4] = correct_boxes(xy, wh, input_hw, image_hw)
    return out


def write_detections(model, items, class_names, anchors, masks, size, out_dir, a, chunk=16):
    os.makedirs(out_dir, exist_ok=True)
    nc = len(class_names)
    model.eval()
    with torch.no_grad():
        for s in range(0, len(items), chunk):
            part = items[s:s + chunk]
            shapes, arrays = [], []
            for _, path, _ in part:
                img = Image.open(path)
                shapes.append(np.array(np.shape(img)[0:2]))
                boxed = letterbox(open_rgb(img), size, size)
                arrays.append(np.transpose(preprocess(np.array(boxed, dtype=np.float32), a.arch), (2, 0, 1)))
            pred = decode(model(torch.from_numpy(np.array(arrays))), anchors, masks, (size, size), nc, a.arch)
            for k, (stem, _, _) in enumerate(part):
                res = nms_image(pred[k], nc, (size, size), shapes[k], a.confidence, a.nms_iou)
                with open(os.path.join(out_dir, stem + ".txt"), "w", encoding="utf-8") as f:
                    if res is None:
                        continue
                    labels = np.array(res[:, 6], dtype="int32")
                    score = res[:, 4].astype(np.float32) * res[:, 5].astype(np.float32)
                    top = np.argsort(score)[::-1][:a.max_boxes]
                    for i in top:
                        t, l, b, r = res[i, :4]
                        if a.reference_format:
                            f.write("%s %s %s %s %s %s\n" % (class_names[labels[i]], str(score[i])[:6],
                                                             int(l), int(t), int(r), int(b)))
                        else:
                            f.write("%s %.6g %.3f %.3f %.3f %.3f\n" % (class_names[labels[i]], float(score[i]),
                                                                      l, t, r, b))


# ----------------------------------------------------------------------------------------------
# commands
# ----------------------------------------------------------------------------------------------

def seed_all(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def cmd_init(a):
    torch.manual_seed(a.seed)
    model = build_model(a.arch, a.classes, variant_of(a), a.width)
    weights_init(model)
    torch.save({k: v.float() if v.is_floating_point() else v for k, v in model.state_dict().items()}, a.out)
    print("wrote %s (%d tensors, %d parameters)" % (a.out, len(model.state_dict()),
                                                    sum(p.numel() for p in model.parameters())))


def parse_anchors(text, arch):
    n = ARCHS[arch][0]
    v = [float(x) for x in text.replace(";", ",").split(",") if x.strip()]
    if len(v) != 2 * n:
        raise SystemExit("--anchors: %s needs %d numbers (%d anchors), got %d" % (arch, 2 * n, n, len(v)))
    return [(v[i], v[i + 1]) for i in range(0, 2 * n, 2)]


def parse_mask(text, arch):
    m = [[int(x) for x in part.split(",")] for part in text.split(";")]
    outputs = ARCHS[arch][1].count(";") + 1
    if len(m) != outputs or any(len(x) != 3 for x in m):
        raise SystemExit("--mask: %s needs %d lists of three anchor indices, e.g. %s" % (arch, outputs, ARCHS[arch][1]))
    return m


def make_worker_init(a):
    def init(worker_id):
        if a.worker_seeding == "reference":
            # utils.worker_init_fn(rank=0, seed): every worker, every epoch, the same seed
            s = a.seed
        else:
            s = torch.initial_seed() % (2 ** 32)  # base seed (drawn per epoch from the seeded RNG) + worker id
        random.seed(s)
        np.random.seed(s)
        torch.manual_seed(s)
        cv2.setNumThreads(1)
    return init


def train_epochs(a, model, opt, loader, steps, lr_at, loss_of, evaluate, after_step=None):
    """utils_fit.fit_one_epoch over a.epochs epochs: the epoch's rate on every parameter group, steps
    of zero_grad, loss_of(batch), backward, step (and after_step, e.g. the EMA update); a row of
    a.out/history.csv per epoch (epoch, mean loss, rate, seconds of the training loop, data loading
    included); evaluate(a.out/epoch-NNNN) every a.eval_period epochs and after the last"""
    with open(os.path.join(a.out, "history.csv"), "w", newline="") as hf:
        hist = csv.writer(hf)
        hist.writerow(["epoch", "train_loss", "lr", "seconds"])
        hf.flush()
        for epoch in range(a.epochs):
            cur = lr_at(epoch)
            for g in opt.param_groups:
                g["lr"] = cur
            model.train()
            total = 0.0
            t0 = time.time()
            for it, batch in enumerate(loader):
                if it >= steps:
                    break
                opt.zero_grad()
                loss = loss_of(batch)
                loss.backward()
                opt.step()
                if after_step:
                    after_step()
                total += loss.item()
                if getattr(a, "log_steps", False):
                    print("  step %d loss %.5f" % (it + 1, loss.item()), flush=True)
            secs = time.time() - t0
            mean = total / steps
            hist.writerow([epoch + 1, "%.6f" % mean, "%.6g" % cur, "%.3f" % secs])
            hf.flush()
            line = "epoch %d/%d loss %.4f lr %.3e train %.1fs" % (epoch + 1, a.epochs, mean, cur, secs)
            if (epoch + 1) % a.eval_period == 0 or epoch + 1 == a.epochs:
                t1 = time.time()
                evaluate(os.path.join(a.out, "epoch-%04d" % (epoch + 1)))
                line += " eval %.1fs -> epoch-%04d" % (time.time() - t1, epoch + 1)
            print(line, flush=True)


def cmd_train(a):
    torch.set_num_threads(a.threads)
    seed_all(a.seed)
    class_names = read_classes(a.classes or os.path.join(a.train, "classes.txt"))
    nc = len(class_names)
    if a.arch == "yolox":
        if a.anchors or a.mask:
            raise SystemExit("yolox is anchor-free: no --anchors or --mask")
        anchors, masks = None, None
    elif not a.anchors:
        raise SystemExit("--anchors: %s needs %d anchors" % (a.arch, ARCHS[a.arch][0]))
    else:
        anchors, masks = parse_anchors(a.anchors, a.arch), parse_mask(a.mask or ARCHS[a.arch][1], a.arch)
    train_items, val_items = read_voc(a.train, class_names), read_voc(a.val, class_names)

    model = build_model(a.arch, nc, variant_of(a), a.width)
    if a.init:
        state = torch.load(a.init, map_location="cpu")
        model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in state.items()},
                              strict=True)
    else:
        weights_init(model)

    lr, min_lr = a.lr, a.min_lr
    if a.nbs_fit:  # train.py: scale by batch / 64 and bound to Adam's limits
        lr = min(max(a.batch / 64 * lr, 3e-4), 1e-3)
        min_lr = min(max(a.batch / 64 * min_lr, 3e-4 * 1e-2), 1e-3 * 1e-2)
    warmup = min(max(0.05 * a.epochs, 1), 3) if a.warmup_epochs < 0 else a.warmup_epochs
    lr_at = cos_schedule(lr, min_lr, a.epochs, warmup)

    pg0, pg1, pg2 = param_groups(model)
    opt = torch.optim.Adam(pg0, lr, betas=(a.momentum, 0.999))
    opt.add_param_group({"params": pg1, "weight_decay": a.weight_decay})
    opt.add_param_group({"params": pg2})

    ema = ModelEMA(model) if a.ema else None
    loss_fn = make_total_loss(a.arch, anchors, nc, (a.input, a.input), masks, a.label_smoothing)
    data = TrainSet(train_items, a.input, a, make_dataset_targets(a.arch, anchors, nc, masks, a.input), a.arch)
    steps = len(data) // a.batch
    if steps == 0:
        raise SystemExit("fewer training images (%d) than one batch (%d)" % (len(data), a.batch))
    loader = DataLoader(data, batch_size=a.batch, shuffle=True, drop_last=True, num_workers=a.workers,
                        collate_fn=collate, worker_init_fn=make_worker_init(a) if a.workers > 0 else None)

    os.makedirs(a.out, exist_ok=True)
    print("%s %s width %g, %d parameters; train %d images (%d steps/epoch), val %d, classes %s, anchors %s, "
          "mask %s, lr %g..%g warmup %g%s"
          % (a.arch, variant_of(a), a.width, sum(p.numel() for p in model.parameters()), len(train_items), steps,
             len(val_items), ",".join(class_names), anchors or "none (anchor-free)", masks, lr, min_lr, warmup,
             ", EMA" if ema else ""),
          flush=True)
    evaluated = ema.ema if ema else model
    train_epochs(a, model, opt, loader, steps, lr_at, lambda b: loss_fn(model(b[0]), b[1], b[2]),
                 lambda epoch_dir: write_detections(evaluated, val_items, class_names, anchors, masks, a.input,
                                                    epoch_dir, a),
                 after_step=(lambda: ema.update(model)) if ema else None)
    torch.save(evaluated.state_dict(), os.path.join(a.out, "final.pth"))
    print("wrote " + os.path.join(a.out, "final.pth"), flush=True)
    if a.heldout:
        write_detections(evaluated, read_voc(a.heldout, class_names), class_names, anchors, masks, a.input,
                         os.path.join(a.out, "heldout"), a)
        print("wrote the held-out detections to " + os.path.join(a.out, "heldout"), flush=True)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)

    i = sub.add_parser("init", help="weights_init'ed float32 state dict")
    i.add_argument("--classes", type=int, required=True)
    i.add_argument("--arch", choices=sorted(ARCHS), default="yolov4-tiny")
    i.add_argument("--variant", default=None, help="yolov5: s, m, l, x (default s); yolox: s, nano, tiny, m, l, x "
                   "(default s); yolov3: darknet53")
    i.add_argument("--width", type=float, default=0.25)
    i.add_argument("--seed", type=int, default=11)
    i.add_argument("--out", required=True)

    t = sub.add_parser("train", help="train and write detections of the val set")
    t.add_argument("--train", required=True)
    t.add_argument("--val", required=True)
    t.add_argument("--heldout", default=None, help="a VOC root whose detections the final model writes to DIR/heldout")
    t.add_argument("--classes", default=None, help="class names file (default TRAIN/classes.txt)")
    t.add_argument("--arch", choices=sorted(ARCHS), default="yolov4-tiny")
    t.add_argument("--variant", default=None, help="yolov5: s, m, l, x (default s); yolox: s, nano, tiny, m, l, x "
                   "(default s); yolov3: darknet53")
    t.add_argument("--anchors", default=None,
                   help="w0,h0,w1,h1,... in input pixels: 6 anchors for yolov4-tiny, 9 for yolov3 and yolov5 "
                   "(required); none for the anchor-free yolox")
    t.add_argument("--mask", default=None, help="anchor indices of output 0 (P5) ; output 1 (P4) [; output 2 (P3)] "
                   "(default 3,4,5;1,2,3 for yolov4-tiny, 6,7,8;3,4,5;0,1,2 for yolov3 and yolov5)")
    t.add_argument("--label-smoothing", type=float, default=0.0,
                   help="yolov4-tiny and yolov5 (smooth_labels); yolov3 and yolox have none (0 only)")
    t.add_argument("--ema", action="store_true", help="yolov5-pytorch's ModelEMA; evaluate and save the average")
    t.add_argument("--log-steps", action="store_true", help="print every step's loss")
    t.add_argument("--init", default=None, help="start from this state dict (strict) instead of weights_init")
    t.add_argument("--input", type=int, default=160)
    t.add_argument("--width", type=float, default=0.25)
    t.add_argument("--epochs", type=int, default=40)
    t.add_argument("--batch", type=int, default=16)
    t.add_argument("--lr", type=float, default=1e-3)
    t.add_argument("--min-lr", type=float, default=1e-5)
    t.add_argument("--warmup-epochs", type=float, default=0,
                   help="0: none; >0: that many; <0: the reference's min(max(0.05 epochs, 1), 3)")
    t.add_argument("--nbs-fit", action="store_true",
                   help="scale lr/min-lr by batch/64 and bound them as train.py does for Adam (off: used as given)")
    t.add_argument("--momentum", type=float, default=0.9, help="Adam beta1")
    t.add_argument("--weight-decay", type=float, default=0.0)
    t.add_argument("--jitter", type=float, default=0.0)
    t.add_argument("--scale-min", type=float, default=0.9)
    t.add_argument("--scale-max", type=float, default=1.1)
    t.add_argument("--flip", type=float, default=0.5)
    t.add_argument("--hue", type=float, default=0.02)
    t.add_argument("--sat", type=float, default=0.2)
    t.add_argument("--value", dest="val_gain", type=float, default=0.2,
                   help="HSV value gain (the reference's 'val'; --val is the validation root)")
    t.add_argument("--threads", type=int, default=2)
    t.add_argument("--workers", type=int, default=2)
    t.add_argument("--worker-seeding", choices=["distinct", "reference"], default="distinct")
    t.add_argument("--seed", type=int, default=11)
    t.add_argument("--eval-period", type=int, default=5)
    t.add_argument("--confidence", type=float, default=0.001)
    t.add_argument("--nms-iou", type=float, default=0.5)
    t.add_argument("--max-boxes", type=int, default=100)
    t.add_argument("--reference-format", action="store_true",
                   help="write int(...) coordinates and str(score)[:6] as get_map_txt does")
    t.add_argument("--out", required=True)

    a = p.parse_args(argv)
    if a.cmd == "init":
        cmd_init(a)
    else:
        cmd_train(a)


if __name__ == "__main__":
    main()
