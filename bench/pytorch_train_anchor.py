#!/usr/bin/python3
"""The PyTorch anchor for `sparkdet bench --job train`, on the same machine: YOLOv4-tiny (20 classes,
416x416, batch 8, random images) with PyTorch's own threads set to 2, as Debian's python3-torch runs
it. Prints seconds per batch of the forward pass in eval mode, and images/s of a training step
(forward, a sum over the outputs as the loss, backward, SGD step) unfrozen and with the backbone
frozen. The network is the fixture script's definition (bubbliiiing's module structure).

usage: OMP_NUM_THREADS=2 /usr/bin/python3 bench/pytorch_train_anchor.py
"""
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
import make_yolov4_tiny_fixture as fixture  # noqa: E402

STEPS = 3


def train_rate(model, x, opt):
    rates = []
    for i in range(STEPS + 1):
        t = time.time()
        out = model(x)
        (out[0].sum() + out[1].sum()).backward()
        opt.step()
        opt.zero_grad()
        if i:  # the first step warms up
            rates.append(x.shape[0] / (time.time() - t))
    return rates


def main():
    torch.set_num_threads(2)
    torch.manual_seed(0)
    model = fixture.YoloV4Tiny(20, 1.0)
    x = torch.rand(8, 3, 416, 416)
    model.eval()
    with torch.no_grad():
        model(x)
        t = time.time()
        model(x)
        print("eval forward: %.3f s per batch of 8" % (time.time() - t))
    model.train()
    opt = torch.optim.SGD([p for p in model.parameters()], lr=1e-3, momentum=0.9)
    print("unfrozen: " + ", ".join("%.2f" % r for r in train_rate(model, x, opt)) + " images/s")
    for p in model.backbone.parameters():
        p.requires_grad_(False)
    print("frozen:   " + ", ".join("%.2f" % r for r in train_rate(model, x, opt)) + " images/s")


if __name__ == "__main__":
    main()
