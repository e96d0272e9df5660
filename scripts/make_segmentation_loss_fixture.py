#!/usr/bin/python3
"""Writes the PyTorch fixture that sparkdet's segmentation loss test compares against.

Run with Debian's PyTorch (apt-get install -y python3-torch; /usr/bin/python3), from the repository
root:  /usr/bin/python3 scripts/make_segmentation_loss_fixture.py

The losses are copied below from bubbliiiing/unet-pytorch's nets/unet_training.py, the same text as
deeplabv3-plus-pytorch's nets/deeplabv3_training.py and pspnet-pytorch's nets/pspnet_training.py;
the label rule and the one-hot seg_labels from utils/dataloader.py (the same in the three) and the
totals from utils/utils_fit.py's fit_one_epoch: unet's and deeplabv3-plus's (CE or focal, plus dice),
and pspnet's with aux_branch (0.4 x the aux output's loss, its dice too). With
SEGMENTATION_REFERENCES=<checkouts of those repositories, separated by ':'> the script first checks the
copied losses against each repository's own on every case below.

Output, segmentation_loss.pt:
  labels         [2, 8, 8] uint8 masks as read from the PNGs: classes 0-2, and 3, 7 and 255, which
                 the loader turns into the ignore index 3
  seg_labels     [2, 8, 8, 4] float: the loader's one-hot of those labels (the ignore channel last)
  logits         [2, 3, 8, 8] float32 network outputs; aux: a second output (pspnet's aux branch);
                 logits_small: [2, 3, 5, 6], which the losses resize to the labels' 8 x 8
  class_weights  [3] float32 cls_weights for the weighted cases
  <case>.loss, <case>.grad (and <case>.grad_aux): the total of each case below and its gradient with
                 respect to the logits (and the aux logits), float32 as the reference trains
"""
import importlib.util
import os
from types import SimpleNamespace

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from fixture_common import OUT

CLASSES = 3


# ---- nets/unet_training.py ---------------------------------------------------------------------
def CE_Loss(inputs, target, cls_weights, num_classes=21):
    n, c, h, w = inputs.size()
    nt, ht, wt = target.size()
    if h != ht and w != wt:
        inputs = F.interpolate(inputs, size=(ht, wt), mode="bilinear", align_corners=True)

    temp_inputs = inputs.transpose(1, 2).transpose(2, 3).contiguous().view(-1, c)
    temp_target = target.view(-1)

    CE_loss  = nn.CrossEntropyLoss(weight=cls_weights, ignore_index=num_classes)(temp_inputs, temp_target)
    return CE_loss

def Focal_Loss(inputs, target, cls_weights, num_classes=21, alpha=0.5, gamma=2):
    n, c, h, w = inputs.size()
    nt, ht, wt = target.size()
    if h != ht and w != wt:
        inputs = F.interpolate(inputs, size=(ht, wt), mode="bilinear", align_corners=True)

    temp_inputs = inputs.transpose(1, 2).transpose(2, 3).contiguous().view(-1, c)
    temp_target = target.view(-1)

    logpt  = -nn.CrossEntropyLoss(weight=cls_weights, ignore_index=num_classes, reduction='none')(temp_inputs, temp_target)
    pt = torch.exp(logpt)
    if alpha is not None:
        logpt *= alpha
    loss = -((1 - pt) ** gamma) * logpt
    loss = loss.mean()
    return loss

def Dice_loss(inputs, target, beta=1, smooth = 1e-5):
    n, c, h, w = inputs.size()
    nt, ht, wt, ct = target.size()
    if h != ht and w != wt:
        inputs = F.interpolate(inputs, size=(ht, wt), mode="bilinear", align_corners=True)

    temp_inputs = torch.softmax(inputs.transpose(1, 2).transpose(2, 3).contiguous().view(n, -1, c),-1)
    temp_target = target.view(n, -1, ct)

    tp = torch.sum(temp_target[...,:-1] * temp_inputs, axis=[0,1])
    fp = torch.sum(temp_inputs                       , axis=[0,1]) - tp
    fn = torch.sum(temp_target[...,:-1]              , axis=[0,1]) - tp

    score = ((1 + beta ** 2) * tp + smooth) / ((1 + beta ** 2) * tp + beta ** 2 * fn + fp + smooth)
    dice_loss = 1 - torch.mean(score)
    return dice_loss


# ---- utils/dataloader.py: __getitem__'s label rule and one-hot, the collate's dtypes -------------
def loader_labels(masks, num_classes):
    pngs, seg = [], []
    for png in masks:
        png = np.array(png)
        png[png >= num_classes] = num_classes
        seg_labels = np.eye(num_classes + 1)[png.reshape([-1])]
        seg_labels = seg_labels.reshape((png.shape[0], png.shape[1], num_classes + 1))
        pngs.append(png)
        seg.append(seg_labels)
    return torch.from_numpy(np.array(pngs)).long(), torch.from_numpy(np.array(seg)).type(torch.FloatTensor)


# ---- utils/utils_fit.py: the training loss of fit_one_epoch -------------------------------------
def fit_loss(losses, outputs, pngs, labels, weights, num_classes, dice_loss, focal_loss):
    """unet-pytorch's and deeplabv3-plus-pytorch's (and pspnet-pytorch's without aux_branch)"""
    if focal_loss:
        loss = losses.Focal_Loss(outputs, pngs, weights, num_classes = num_classes)
    else:
        loss = losses.CE_Loss(outputs, pngs, weights, num_classes = num_classes)

    if dice_loss:
        main_dice = losses.Dice_loss(outputs, labels)
        loss      = loss + main_dice
    return loss


def fit_loss_aux(losses, aux_outputs, outputs, pngs, labels, weights, num_classes, dice_loss, focal_loss):
    """pspnet-pytorch's with aux_branch"""
    if focal_loss:
        aux_loss  = losses.Focal_Loss(aux_outputs, pngs, weights, num_classes = num_classes)
        main_loss = losses.Focal_Loss(outputs, pngs, weights, num_classes = num_classes)
    else:
        aux_loss  = losses.CE_Loss(aux_outputs, pngs, weights, num_classes = num_classes)
        main_loss = losses.CE_Loss(outputs, pngs, weights, num_classes = num_classes)
    loss      = aux_loss * 0.4 + main_loss
    if dice_loss:
        aux_dice  = losses.Dice_loss(aux_outputs, labels)
        main_dice = losses.Dice_loss(outputs, labels)
        loss      = loss + aux_dice * 0.4 + main_dice
    return loss


# this script's copies of the losses, as run() takes a module
COPIED = SimpleNamespace(CE_Loss=CE_Loss, Focal_Loss=Focal_Loss, Dice_loss=Dice_loss)


# ---- the cases ---------------------------------------------------------------------------------
# name: (focal, dice, weighted, logits, with the aux output)
CASES = {
    "ce": (False, False, False, "logits", False),
    "ce_weighted": (False, False, True, "logits", False),
    "focal": (True, False, False, "logits", False),
    "focal_weighted": (True, False, True, "logits", False),
    "ce_dice": (False, True, False, "logits", False),
    "focal_dice_weighted": (True, True, True, "logits", False),
    "ce_dice_resized": (False, True, False, "logits_small", False),
    "aux_ce_dice_weighted": (False, True, True, "logits", True),
    "aux_focal": (True, False, False, "logits", True),
}


def inputs():
    gen = torch.Generator().manual_seed(0)
    labels = torch.randint(0, CLASSES, (2, 8, 8), generator=gen, dtype=torch.uint8)
    labels[0, 0, :] = 255      # VOC's white borders
    labels[0, 3, 2:5] = 255
    labels[1, 5, 5] = 3        # the first value past the classes
    labels[1, 6, 1:4] = 7
    return {
        "labels": labels,
        "logits": torch.randn(2, CLASSES, 8, 8, generator=gen) * 2,
        "aux": torch.randn(2, CLASSES, 8, 8, generator=gen) * 2,
        "logits_small": torch.randn(2, CLASSES, 5, 6, generator=gen) * 2,
        "class_weights": torch.tensor([0.5, 2.0, 1.25]),
    }


def run(losses, case, data):
    """the case's total and its gradients with respect to the (aux) logits"""
    focal, dice, weighted, logits, with_aux = CASES[case]
    pngs, seg_labels = loader_labels(data["labels"].numpy(), CLASSES)
    weights = data["class_weights"] if weighted else torch.ones(CLASSES)
    outputs = data[logits].clone().requires_grad_(True)
    if with_aux:
        aux = data["aux"].clone().requires_grad_(True)
        total = fit_loss_aux(losses, aux, outputs, pngs, seg_labels, weights, CLASSES, dice, focal)
        total.backward()
        return total.detach(), outputs.grad, aux.grad
    total = fit_loss(losses, outputs, pngs, seg_labels, weights, CLASSES, dice, focal)
    total.backward()
    return total.detach(), outputs.grad, None


def check_against_references(paths, data):
    mine = {case: run(COPIED, case, data) for case in CASES}
    for path in paths:
        nets = os.path.join(path, "nets")
        module = [f for f in os.listdir(nets) if f.endswith("_training.py")][0]
        spec = importlib.util.spec_from_file_location("reference_training", os.path.join(nets, module))
        reference = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(reference)
        for case in CASES:
            for u, v in zip(mine[case], run(reference, case, data)):
                assert (u is None and v is None) or torch.equal(u, v), (path, case)
        print("matches", os.path.join(nets, module), "on", len(CASES), "cases (totals and gradients)")


def main():
    data = inputs()
    if os.environ.get("SEGMENTATION_REFERENCES"):
        check_against_references(os.environ["SEGMENTATION_REFERENCES"].split(":"), data)
    out = dict(data)
    out["seg_labels"] = loader_labels(data["labels"].numpy(), CLASSES)[1]
    for case in CASES:
        total, grad, grad_aux = run(COPIED, case, data)
        out[case + ".loss"] = total
        out[case + ".grad"] = grad
        if grad_aux is not None:
            out[case + ".grad_aux"] = grad_aux
        print("%-22s %.8f" % (case, float(total)))
    os.makedirs(OUT, exist_ok=True)
    torch.save(out, os.path.join(OUT, "segmentation_loss.pt"))


if __name__ == "__main__":
    main()
