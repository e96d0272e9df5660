#!/usr/bin/python3
"""PyTorch's training rate of a model family, the anchor `sparkdet bench --job train --model ARCH` runs
and prints beside its own in the same command (or run it alone, on the same machine).

The network, loss and target assignment are those of the learning-parity reference trainer
(bench/pytorch_learning_reference.py: the reference repositories' module structure from the fixture
scripts, their YOLOLoss, yolov5's get_target in the loader, YOLOX's SimOTA), at --width with --classes
classes and --size inputs, batch --batch, random pictures with four random boxes each (the targets are
built once, as a loader would before the step). The optimiser is the one train.py builds by default
and sparkdet's defaults copy (conf/sparkdet-defaults.conf): SGD, momentum 0.937, nesterov, weight
decay 5e-4 on the convolution weights only (train.py's three parameter groups). A step is forward,
loss, backward and the optimiser step; frozen means the backbone's requires_grad is off, as train.py's
freeze phase sets it. PyTorch's threads are --threads (2: what sparkdet's one worker of 2 threads uses).
For a segmentation family (--arch deeplabv3plus, pspnet, unet) the network is the one of the
segmentation parity trainer (bench/pytorch_seg_reference.py: the fixtures' copies of the repositories'
modules), the pictures come with random masks of --classes classes (the background counted), the loss
is CE_Loss (ignore index = classes), and the optimiser SGD with the weight decay on every parameter,
as those repositories' train.py builds it and sparkdet's segmentation families do; frozen is the
backbone (deeplabv3plus, pspnet: backbone.; unet: vgg. or resnet.) as their freeze phase sets it.
Prints the median images/s of --steps steps after two warm-up steps, one line per phase:
    unfrozen:   1.903 images/s
    frozen:     3.214 images/s

usage: /usr/bin/python3 bench/pytorch_train_anchor.py [--arch yolov4-tiny|yolov3|yolov4|yolov5|yolox|deeplabv3plus|pspnet|unet]
           [--variant V] [--width 1.0] [--size 416] [--batch 8] [--classes 20] [--steps 4] [--threads 2]
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytorch_learning_reference as ref  # noqa: E402
import pytorch_seg_reference as seg  # noqa: E402

# the reference repositories' default anchors (model_data/yolo_anchors.txt, yolov4-tiny's 6)
ANCHORS = {6: [(10, 14), (23, 27), (37, 58), (81, 82), (135, 169), (344, 319)],
           9: [(10, 13), (16, 30), (33, 23), (30, 61), (62, 45), (59, 119), (116, 90), (156, 198), (373, 326)]}


def random_batch(a, dataset_targets, rng):
    """a collated batch as the reference's loader gives it: images, per-picture boxes (centre x,
    centre y, w, h as fractions, class) and the loader-side targets where the family has them"""
    items = []
    for _ in range(a.batch):
        boxes = []
        for _ in range(4):
            w, h = rng.uniform(0.05, 0.4, 2)
            boxes.append([rng.uniform(w / 2, 1 - w / 2), rng.uniform(h / 2, 1 - h / 2), w, h,
                          int(rng.integers(a.classes))])
        box = np.array(boxes, np.float32)
        if a.arch == "yolox":  # its loader gives input pixels
            box[:, :4] *= a.size
        image = rng.random((3, a.size, a.size), dtype=np.float32)
        items.append((image, box, dataset_targets(box) if dataset_targets else []))
    return ref.collate(items)


def segmentation_batch(a, rng):
    """random pictures and masks, collated as deeplab_dataset_collate (the one-hot labels only feed
    the Dice loss, which the default recipe leaves off)"""
    images = torch.from_numpy(rng.random((a.batch, 3, a.size, a.size), dtype=np.float32))
    pngs = torch.from_numpy(rng.integers(0, a.classes, (a.batch, a.size, a.size))).long()
    return images, pngs


def optimiser(model, frozen, a):
    """train.py's SGD: the detection repositories' three groups (decay on the convolution weights), the
    segmentation repositories' model.parameters() (decay on every one)"""
    if a.arch in seg.ARCHS:
        prefix = ("vgg.", "resnet.") if a.arch == "unet" else ("backbone.",)
        for name, p in model.named_parameters():
            p.requires_grad_(not (frozen and name.startswith(prefix)))
        return torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=7e-3 * a.batch / 16,
                               momentum=0.937, nesterov=True, weight_decay=5e-4)
    for name, p in model.named_parameters():
        p.requires_grad_(not (frozen and name.startswith("backbone.")))
    pg0, pg1, pg2 = (g for g in ref.param_groups(model))
    opt = torch.optim.SGD([p for p in pg0 if p.requires_grad], lr=1e-2 * a.batch / 64, momentum=0.937,
                          nesterov=True)
    opt.add_param_group({"params": [p for p in pg1 if p.requires_grad], "weight_decay": 5e-4})
    opt.add_param_group({"params": [p for p in pg2 if p.requires_grad]})
    return opt


def rate(model, loss_of, batch, frozen, a):
    opt = optimiser(model, frozen, a)
    model.train()
    seconds = []
    for _ in range(a.steps + 2):
        t = time.time()
        loss = loss_of(model(batch[0]), batch)
        loss.backward()
        opt.step()
        opt.zero_grad()
        seconds.append(time.time() - t)
    return a.batch / statistics.median(seconds[2:])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--arch", default="yolov4-tiny", choices=sorted(ref.ARCHS) + sorted(seg.ARCHS))
    ap.add_argument("--variant")
    ap.add_argument("--width", type=float, default=1.0)
    ap.add_argument("--size", type=int, default=416)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--classes", type=int, default=20)
    ap.add_argument("--steps", type=int, default=4)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    if a.arch in seg.ARCHS:
        variant = a.variant or seg.ARCHS[a.arch][0]
        model = seg.build_model(a.arch, variant, a.classes, a.width)
        seg.weights_init(model)
        batch = segmentation_batch(a, np.random.default_rng(0))
        weights = torch.ones(a.classes)

        def loss_of(outputs, b):
            return seg.seglosses.CE_Loss(outputs, b[1], weights, num_classes=a.classes)
    else:
        variant = ref.variant_of(a)
        model = ref.build_model(a.arch, a.classes, variant, a.width)
        anchors = ANCHORS.get(ref.ARCHS[a.arch][0])  # none for the anchor-free yolox
        masks = ref.parse_mask(ref.ARCHS[a.arch][1], a.arch) if anchors else None
        loss_fn = ref.make_total_loss(a.arch, anchors, a.classes, (a.size, a.size), masks, 0.0)
        batch = random_batch(a, ref.make_dataset_targets(a.arch, anchors, a.classes, masks, a.size),
                             np.random.default_rng(0))

        def loss_of(outputs, b):
            return loss_fn(outputs, b[1], b[2])

    print("PyTorch %s, %d threads: %s %s width %g, %d classes, %dx%d, batch %d, SGD (nesterov)"
          % (torch.__version__, torch.get_num_threads(), a.arch, variant, a.width, a.classes, a.size, a.size, a.batch))
    # unfrozen first: its larger step grows the allocator's cache, which a frozen phase measured first
    # would otherwise pay for in its timed steps
    for frozen in (False, True):
        print("%-9s %7.3f images/s" % ("frozen:" if frozen else "unfrozen:", rate(model, loss_of, batch, frozen, a)),
              flush=True)


if __name__ == "__main__":
    main()
