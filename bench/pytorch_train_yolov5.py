#!/usr/bin/python3
"""PyTorch's training rate for YOLOv5, to set beside `sparkdet bench --job train --model yolov5` on the
same machine: the fixture script's definition of bubbliiiing/yolov5-pytorch (scripts/make_yolov5_fixture.py:
its module structure, its loss with the dataloader's targets), phi s at --width, 20 classes, --size,
batch 8, SGD as train.py builds it (momentum 0.937, nesterov), PyTorch's threads set to 2 as Debian's
python3-torch runs it, random pictures with four boxes each. A step is forward, loss, backward and the
optimiser step; frozen means the backbone's requires_grad is off (train.py's freeze phase). Prints the
median images/s of the last --steps steps (two more run first, to warm up).

usage: OMP_NUM_THREADS=2 /usr/bin/python3 bench/pytorch_train_yolov5.py [--size 640] [--width 1.0] [--steps 4]
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
import make_yolov5_fixture as fixture  # noqa: E402

CLASSES = 20
BATCH = 8


def targets(size, rng):
    """the reference dataloader's y_true for BATCH pictures of four random boxes each"""
    fixture.SIZE = size   # normalised() reads the input size from here
    pictures = []
    for _ in range(BATCH):
        boxes = []
        for _ in range(4):
            w, h = rng.uniform(0.05, 0.4, 2) * size
            x, y = rng.uniform(0, size - w), rng.uniform(0, size - h)
            boxes.append([x, y, x + w, y + h, int(rng.integers(CLASSES))])
        pictures.append(fixture.get_target(fixture.normalised(boxes), CLASSES, size=size))
    return [torch.from_numpy(np.stack([p[l] for p in pictures])) for l in range(len(fixture.MASK))]


def rate(model, x, y_true, frozen, steps, size):
    for name, p in model.named_parameters():
        p.requires_grad_(not (frozen and name.startswith("backbone.")))
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=1e-2 * BATCH / 64,
                          momentum=0.937, nesterov=True)
    model.train()
    seconds = []
    for _ in range(steps + 2):
        t = time.time()
        outputs = model(x)
        loss = sum(fixture.yolo_loss(l, o, y_true[l], CLASSES, size=size) for l, o in enumerate(outputs))
        loss.backward()
        opt.step()
        opt.zero_grad()
        seconds.append(time.time() - t)
    return BATCH / statistics.median(seconds[2:])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=640)
    ap.add_argument("--width", type=float, default=1.0)
    ap.add_argument("--steps", type=int, default=4)
    args = ap.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    model = fixture.YoloBody(CLASSES, "s", args.width)
    x = torch.rand(BATCH, 3, args.size, args.size)
    y_true = targets(args.size, rng)
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads: YOLOv5 s width {args.width}, "
          f"{CLASSES} classes, {args.size}x{args.size}, batch {BATCH}")
    for frozen in (True, False):
        print(f"{'frozen' if frozen else 'unfrozen':8s}: {rate(model, x, y_true, frozen, args.steps, args.size):6.2f} images/s")


if __name__ == "__main__":
    main()
