#!/usr/bin/python3
"""The PyTorch anchor for `sparkdet bench --job predict`, on the same machine: the network alone
(no decoding, letterboxing or NMS) of YOLOv4-tiny, 80 classes, 416x416, eval mode under no_grad,
with PyTorch's threads set to 2, at batch 1 and batch 8. Prints images/s of each, best of three
rounds of 40 images after a warm-up. The network is the fixture script's definition.

usage: OMP_NUM_THREADS=2 /usr/bin/python3 bench/pytorch_predict_anchor.py
"""
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
import make_yolov4_tiny_fixture as fixture  # noqa: E402

IMAGES = 40


def rate(model, batch):
    x = torch.rand(batch, 3, 416, 416)
    model(x)  # warm-up
    best = 0.0
    for _ in range(3):
        t = time.time()
        for _ in range(IMAGES // batch):
            model(x)
        best = max(best, IMAGES / (time.time() - t))
    return best


def main():
    torch.set_num_threads(2)
    torch.manual_seed(0)
    model = fixture.YoloV4Tiny(80, 1.0).eval()
    with torch.no_grad():
        for batch in (1, 8):
            print(f"PyTorch {torch.__version__}, network only, batch {batch}: {rate(model, batch):.1f} images/s")


if __name__ == "__main__":
    main()
