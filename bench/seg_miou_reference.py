#!/usr/bin/python3
"""The anchor of the segmentation evaluation benchmark: the reference's compute_mIoU
(bubbliiiing/deeplabv3-plus-pytorch utils/utils_metrics.py, as get_miou.py calls it with the class
names), timed on the same masks; its numbers written to a JSON file for the comparison.

usage: seg_miou_reference.py VOC_ROOT PRED_DIR OUT_JSON
The functions below are the reference's, with one change: np.int, removed in numpy 1.24, is int.
Needs Debian's python3-numpy and python3-pil.
"""
import json
import os
import sys
import time
from os.path import join

import numpy as np
from PIL import Image


def fast_hist(a, b, n):
    k = (a >= 0) & (a < n)
    return np.bincount(n * a[k].astype(int) + b[k], minlength=n ** 2).reshape(n, n)


def per_class_iu(hist):
    return np.diag(hist) / np.maximum((hist.sum(1) + hist.sum(0) - np.diag(hist)), 1)


def per_class_PA_Recall(hist):
    return np.diag(hist) / np.maximum(hist.sum(1), 1)


def per_class_Precision(hist):
    return np.diag(hist) / np.maximum(hist.sum(0), 1)


def per_Accuracy(hist):
    return np.sum(np.diag(hist)) / np.maximum(np.sum(hist), 1)


def compute_mIoU(gt_dir, pred_dir, png_name_list, num_classes, name_classes=None):
    print('Num classes', num_classes)
    hist = np.zeros((num_classes, num_classes))
    gt_imgs = [join(gt_dir, x + ".png") for x in png_name_list]
    pred_imgs = [join(pred_dir, x + ".png") for x in png_name_list]
    for ind in range(len(gt_imgs)):
        pred = np.array(Image.open(pred_imgs[ind]))
        label = np.array(Image.open(gt_imgs[ind]))
        if len(label.flatten()) != len(pred.flatten()):
            print(
                'Skipping: len(gt) = {:d}, len(pred) = {:d}, {:s}, {:s}'.format(
                    len(label.flatten()), len(pred.flatten()), gt_imgs[ind],
                    pred_imgs[ind]))
            continue
        hist += fast_hist(label.flatten(), pred.flatten(), num_classes)
        if name_classes is not None and ind > 0 and ind % 10 == 0:
            print('{:d} / {:d}: mIou-{:0.2f}%; mPA-{:0.2f}%; Accuracy-{:0.2f}%'.format(
                    ind,
                    len(gt_imgs),
                    100 * np.nanmean(per_class_iu(hist)),
                    100 * np.nanmean(per_class_PA_Recall(hist)),
                    100 * per_Accuracy(hist)
                )
            )
    IoUs = per_class_iu(hist)
    PA_Recall = per_class_PA_Recall(hist)
    Precision = per_class_Precision(hist)
    if name_classes is not None:
        for ind_class in range(num_classes):
            print('===>' + name_classes[ind_class] + ':\tIou-' + str(round(IoUs[ind_class] * 100, 2))
                  + '; Recall (equal to the PA)-' + str(round(PA_Recall[ind_class] * 100, 2)) + '; Precision-'
                  + str(round(Precision[ind_class] * 100, 2)))
    print('===> mIoU: ' + str(round(np.nanmean(IoUs) * 100, 2)) + '; mPA: ' + str(round(np.nanmean(PA_Recall) * 100, 2))
          + '; Accuracy: ' + str(round(per_Accuracy(hist) * 100, 2)))
    return np.array(hist, int), IoUs, PA_Recall, Precision


def main():
    root, pred_dir, out = sys.argv[1], sys.argv[2], sys.argv[3]
    names = open(join(root, "ImageSets/Segmentation/val.txt")).read().splitlines()
    classes = open(join(root, "classes.txt")).read().splitlines()
    t0 = time.time()
    stdout = sys.stdout
    sys.stdout = open(os.devnull, "w")   # its progress lines, every 10 images
    hist, ious, recall, precision = compute_mIoU(join(root, "SegmentationClass"), pred_dir, names, len(classes),
                                                 classes)
    sys.stdout = stdout
    seconds = time.time() - t0
    with open(out, "w") as f:
        json.dump({"confusion_matrix": hist.tolist(), "iou": ious.tolist(), "recall": recall.tolist(),
                   "precision": precision.tolist(), "mIoU": float(np.nanmean(ious)),
                   "mPA": float(np.nanmean(recall)), "mPrecision": float(np.nanmean(precision)),
                   "accuracy": float(per_Accuracy(hist)), "seconds": seconds}, f)
    print("reference compute_mIoU: %d pairs in %.2f s" % (len(names), seconds))


if __name__ == "__main__":
    main()
