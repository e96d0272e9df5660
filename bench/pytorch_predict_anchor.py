#!/usr/bin/python3
"""PyTorch's inference rate of a model family, the anchor `sparkdet bench --job predict --model ARCH`
runs and prints beside its own network-alone rates in the same command (or run it alone, on the same
machine): the network alone (no decoding, letterboxing or NMS) as the learning-parity reference
trainer builds it (bench/pytorch_learning_reference.py: the fixture scripts' module structure of the
reference repositories), 80 classes, eval mode under no_grad, PyTorch's threads set to --threads, at
batch 1 and batch 8; a segmentation family (--arch deeplabv3plus, pspnet, unet) as the segmentation
parity trainer builds it (bench/pytorch_seg_reference.py), its logits at the input's size. Prints
images/s of each, best of three rounds of --images (default 40) after a warm-up, one line per batch
size:
    batch 1:    11.32 images/s
    batch 8:    10.87 images/s

usage: /usr/bin/python3 bench/pytorch_predict_anchor.py [--arch yolov4-tiny|yolov3|yolov4|yolov5|yolox|deeplabv3plus|pspnet|unet]
           [--variant V] [--width 1.0] [--size 416] [--threads 2] [--images 40]
"""
import argparse
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytorch_learning_reference as ref  # noqa: E402
import pytorch_seg_reference as seg  # noqa: E402

def rate(model, batch, size, images):
    x = torch.rand(batch, 3, size, size)
    model(x)  # warm-up
    best = 0.0
    for _ in range(3):
        t = time.time()
        for _ in range(images // batch):
            model(x)
        best = max(best, (images // batch) * batch / (time.time() - t))
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--arch", default="yolov4-tiny", choices=sorted(ref.ARCHS) + sorted(seg.ARCHS))
    parser.add_argument("--variant")
    parser.add_argument("--width", type=float, default=1.0)
    parser.add_argument("--size", type=int, default=416)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--images", type=int, default=40, help="images per round (three rounds per batch size)")
    a = parser.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    if a.arch in seg.ARCHS:
        variant = a.variant or seg.ARCHS[a.arch][0]
        model = seg.build_model(a.arch, variant, 80, a.width).eval()
    else:
        variant = ref.variant_of(a)
        model = ref.build_model(a.arch, 80, variant, a.width).eval()
    print("PyTorch %s, %d threads: %s %s width %g network only, 80 classes, %dx%d"
          % (torch.__version__, torch.get_num_threads(), a.arch, variant, a.width, a.size, a.size))
    with torch.no_grad():
        for batch in (1, 8):
            print("%-9s %7.2f images/s" % ("batch %d:" % batch, rate(model, batch, a.size, a.images)), flush=True)


if __name__ == "__main__":
    main()
