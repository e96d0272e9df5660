#!/usr/bin/env python3
"""Expected COCO masks for CocoMasksTest, computed by pycocotools' own C (common/maskApi.c).

    python3 scripts/make_coco_mask_fixture.py COCOAPI_CHECKOUT [LABELME_COCO_JSON]

COCOAPI_CHECKOUT is a checkout of cocodataset/cocoapi; its maskApi.c is compiled with a small
driver (no Python bindings needed) and asked for:
  - the run lengths rleFrPoly gives for hand-made polygons (fractional, concave, partly outside
    the image, with repeated points), and rleToString's compressed string of each;
  - the run lengths rleFrString reads back from those strings;
  - for labelme's instance_segmentation COCO export, each image's mask histogram, the annotations
    decoded by maskApi and painted as ingest --task segment paints them (crowds first as 255, then
    the others in file order, class = category position in id order, + 1 unless the first category
    is the background).
Writes pipeline/src/test/resources/fixtures/coco_masks.json. Needs gcc and numpy.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

DRIVER = r"""
#include <stdio.h>
#include <stdlib.h>
#include "maskApi.h"
/* poly H W K x0 y0 ...  -> counts of rleFrPoly, then rleToString
   str H W STRING        -> counts of rleFrString */
int main(void) {
  char kind[8];
  while (scanf("%7s", kind) == 1) {
    unsigned long h, w; RLE R; siz j;
    scanf("%lu %lu", &h, &w);
    if (kind[0] == 'p') {
      unsigned long k; scanf("%lu", &k);
      double *xy = malloc(sizeof(double) * 2 * k);
      for (j = 0; j < 2 * k; j++) scanf("%lf", &xy[j]);
      rleFrPoly(&R, xy, k, h, w); free(xy);
    } else {
      static char s[1 << 20]; scanf("%1048575s", s);
      rleFrString(&R, s, h, w);
    }
    for (j = 0; j < R.m; j++) printf("%u ", R.cnts[j]);
    char *str = rleToString(&R);
    printf("| %s\n", str); free(str); rleFree(&R);
  }
  return 0;
}
"""

POLYGONS = [
    # (height, width, x0, y0, x1, y1, ...)
    (8, 8, [1, 1, 6, 1, 6, 6, 1, 6]),
    (8, 8, [1.2, 0.7, 6.6, 2.3, 3.1, 7.4]),
    (10, 12, [0.5, 0.5, 11.5, 0.5, 6, 5, 11.5, 9.5, 0.5, 9.5]),            # concave
    (9, 7, [-3, 2, 4.4, -2, 9.7, 5.2, 2, 11]),                              # partly outside
    (6, 6, [2, 2, 2, 2, 4.5, 2, 4.5, 2, 4.5, 4.5, 2, 4.5]),                  # repeated points
    (20, 30, [3.3, 17.9, 15.05, 1.25, 27.8, 17.9, 15.05, 12.4]),
    (5, 5, [0, 0, 5, 0, 5, 5, 0, 5]),                                       # the whole image
]


def run(driver, lines):
    out = subprocess.run([driver], input="\n".join(lines) + "\n", capture_output=True, text=True, check=True)
    results = []
    for line in out.stdout.splitlines():
        counts, string = line.split("|")
        results.append(([int(c) for c in counts.split()], string.strip()))
    return results


def poly_line(h, w, xy):
    return "poly %d %d %d %s" % (h, w, len(xy) // 2, " ".join(repr(float(v)) for v in xy))


def decode(counts, h, w):
    flat = np.zeros(h * w, dtype=np.uint8)
    at = 0
    for i, c in enumerate(counts):
        if i % 2:
            flat[at:at + c] = 1
        at += c
    return flat.reshape((w, h)).T == 1  # column-major


def labelme(driver, path):
    d = json.load(open(path))
    cats = sorted(c["id"] for c in d["categories"])
    names = {c["id"]: c["name"] for c in d["categories"]}
    offset = 0 if names[cats[0]] in ("_background_", "background", "__background__", "bg") else 1
    value = {cid: i + offset for i, cid in enumerate(cats)}
    out = {}
    for img in d["images"]:
        h, w = img["height"], img["width"]
        mask = np.zeros((h, w), dtype=np.int64)
        anns = [a for a in d["annotations"] if a["image_id"] == img["id"]]
        for crowd_pass in (1, 0):
            for a in anns:
                if a["iscrowd"] != crowd_pass:
                    continue
                assert isinstance(a["segmentation"], list), "this maker paints polygons only"
                decoded = run(driver, [poly_line(h, w, p) for p in a["segmentation"]])
                union = np.zeros((h, w), dtype=bool)
                for counts, _ in decoded:
                    union |= decode(counts, h, w)
                mask[union] = 255 if a["iscrowd"] else value[a["category_id"]]
        hist = np.bincount(mask.ravel(), minlength=256)
        out[str(img["id"])] = {str(v): int(hist[v]) for v in range(256) if hist[v]}
    return out


def main():
    coco = sys.argv[1]
    labelme_json = sys.argv[2] if len(sys.argv) > 2 else \
        "/usr/share/doc/labelme-examples/examples/instance_segmentation/data_dataset_coco/annotations.json"
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "driver.c")
        open(src, "w").write(DRIVER)
        driver = os.path.join(tmp, "driver")
        subprocess.run(["gcc", "-O2", "-I", os.path.join(coco, "common"), src, os.path.join(coco, "common", "maskApi.c"),
                        "-lm", "-o", driver], check=True)
        polygons = []
        for (h, w, xy), (counts, string) in zip(POLYGONS, run(driver, [poly_line(h, w, xy) for h, w, xy in POLYGONS])):
            polygons.append({"height": h, "width": w, "xy": xy, "counts": counts, "string": string})
        strings = []
        for p in polygons:
            (counts, _), = run(driver, ["str %d %d %s" % (p["height"], p["width"], p["string"])])
            strings.append({"height": p["height"], "width": p["width"], "string": p["string"], "counts": counts})
        fixture = {
            "made_by": "scripts/make_coco_mask_fixture.py with cocodataset/cocoapi common/maskApi.c",
            "polygons": polygons,
            "strings": strings,
            "labelme_histograms": labelme(driver, labelme_json),
        }
    target = os.path.join(os.path.dirname(__file__), "..", "pipeline", "src", "test", "resources", "fixtures",
                          "coco_masks.json")
    with open(target, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print("wrote", os.path.normpath(target))


if __name__ == "__main__":
    main()
