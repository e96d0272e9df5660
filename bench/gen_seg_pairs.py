#!/usr/bin/python3
"""Writes the segmentation evaluation benchmark's masks: N pairs of 512x512 label and prediction
PNGs in a VOC layout, deterministic for a seed.

usage: gen_seg_pairs.py OUT N SEED
writes OUT/SegmentationClass/<stem>.png (VOC palette PNGs: 1-6 ellipses, rectangles and triangles
of the 20 VOC object classes on background, most with VOC's 255 "ignore" outline),
OUT/predictions/<stem>.png (grey: the label shifted a few pixels, 255 taken as background, 2 % of
the pixels replaced by a random class; one image in 1000 one row short, which get_miou skips),
OUT/ImageSets/Segmentation/val.txt and OUT/classes.txt (the 21 VOC classes).
Needs Debian's python3-numpy and python3-pil; uses every core.
"""
import os
import sys
from multiprocessing import Pool

import numpy as np
from PIL import Image, ImageDraw

CLASSES = ["background", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
           "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor"]
SIZE = 512


def voc_palette():
    pal = []
    for i in range(256):
        r = g = b = 0
        c = i
        for j in range(8):
            r |= ((c >> 0) & 1) << (7 - j)
            g |= ((c >> 1) & 1) << (7 - j)
            b |= ((c >> 2) & 1) << (7 - j)
            c >>= 3
        pal += [r, g, b]
    return pal


PALETTE = voc_palette()


def write_pair(job):
    out, seed, i = job
    rng = np.random.default_rng([seed, i])
    label = Image.new("L", (SIZE, SIZE), 0)
    draw = ImageDraw.Draw(label)
    for _ in range(int(rng.integers(1, 7))):
        c = int(rng.integers(1, len(CLASSES)))
        x0, y0 = (int(v) for v in rng.integers(0, SIZE - 32, 2))
        x1, y1 = int(rng.integers(x0 + 24, SIZE + 1)), int(rng.integers(y0 + 24, SIZE + 1))
        outline = 255 if rng.random() < 0.7 else c
        shape = int(rng.integers(0, 3))
        if shape == 0:
            draw.ellipse([x0, y0, x1, y1], fill=c, outline=outline, width=4)
        elif shape == 1:
            draw.rectangle([x0, y0, x1, y1], fill=c, outline=outline, width=4)
        else:
            draw.polygon([(x0, y1), (x1, y1), ((x0 + x1) // 2, y0)], fill=c, outline=outline)
    lab = np.asarray(label)
    pred = lab.copy()
    pred[pred == 255] = 0
    pred = np.roll(pred, (int(rng.integers(-4, 5)), int(rng.integers(-4, 5))), axis=(0, 1))
    noise = rng.random(pred.shape) < 0.02
    pred[noise] = rng.integers(0, len(CLASSES), int(noise.sum()), dtype=np.uint8)
    if i % 1000 == 999:
        pred = pred[:-1, :]
    stem = "%06d" % i
    p = Image.fromarray(lab, mode="P")
    p.putpalette(PALETTE)
    p.save(os.path.join(out, "SegmentationClass", stem + ".png"))
    Image.fromarray(pred, mode="L").save(os.path.join(out, "predictions", stem + ".png"))
    return stem


def main():
    out, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    for d in ("SegmentationClass", "predictions", "ImageSets/Segmentation"):
        os.makedirs(os.path.join(out, d), exist_ok=True)
    with Pool(os.cpu_count()) as pool:
        stems = pool.map(write_pair, [(out, seed, i) for i in range(n)], chunksize=64)
    with open(os.path.join(out, "classes.txt"), "w") as f:
        f.write("\n".join(CLASSES) + "\n")
    # last, so that a half-written set is regenerated
    with open(os.path.join(out, "ImageSets/Segmentation/val.txt"), "w") as f:
        f.write("\n".join(stems) + "\n")


if __name__ == "__main__":
    main()
