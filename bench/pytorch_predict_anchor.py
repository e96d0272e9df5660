#!/usr/bin/python3
"""The PyTorch anchor for `sparkdet bench --job predict`, on the same machine: the network alone
(no decoding, letterboxing or NMS) of a family as its fixture script defines it (the reference
repository's module structure), 80 classes, eval mode under no_grad, with PyTorch's threads set to
2, at batch 1 and batch 8. Prints images/s of each, best of three rounds of 40 images after a
warm-up; compare with bench --job predict's "network" lines of the same --model, --variant, --width
and --size.

usage: OMP_NUM_THREADS=2 /usr/bin/python3 bench/pytorch_predict_anchor.py [--arch yolov4-tiny|yolov3|yolov5]
           [--variant s] [--width 1.0] [--size 416]
"""
import argparse
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
import make_yolov3_fixture as v3  # noqa: E402
import make_yolov4_tiny_fixture as tiny  # noqa: E402
import make_yolov5_fixture as v5  # noqa: E402

IMAGES = 40
NETWORKS = {
    "yolov4-tiny": lambda variant, width: tiny.YoloV4Tiny(80, width),
    "yolov3": lambda variant, width: v3.YoloV3(80, width),
    "yolov5": lambda variant, width: v5.YoloBody(80, variant or "s", width),
}


def rate(model, batch, size):
    x = torch.rand(batch, 3, size, size)
    model(x)  # warm-up
    best = 0.0
    for _ in range(3):
        t = time.time()
        for _ in range(IMAGES // batch):
            model(x)
        best = max(best, (IMAGES // batch) * batch / (time.time() - t))
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--arch", default="yolov4-tiny", choices=sorted(NETWORKS))
    parser.add_argument("--variant")
    parser.add_argument("--width", type=float, default=1.0)
    parser.add_argument("--size", type=int, default=416)
    a = parser.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(0)
    model = NETWORKS[a.arch](a.variant, a.width).eval()
    with torch.no_grad():
        for batch in (1, 8):
            print(f"PyTorch {torch.__version__}, {a.arch} network only, {a.size}x{a.size}, batch {batch}: "
                  f"{rate(model, batch, a.size):.1f} images/s")


if __name__ == "__main__":
    main()
