#!/usr/bin/python3
"""Checks bench/pytorch_learning_reference.py's loss, targets and decoding of one family against the
reference repository's own code on one augmented training batch (float32, CPU, as the reference trains).

  REPO=$(mktemp -d); git --git-dir=<mirror of bubbliiiing/yolov5-pytorch> archive HEAD | tar -x -C "$REPO"
  /usr/bin/python3 bench/check_learning_reference.py --arch yolov5 --repo "$REPO" --train <VOC root>

Prints, summed over the outputs: the trainer's loss (its data loader's collate, make_loss), the
repository's YOLOLoss on the same outputs (yolov5: with the targets of the repository's
YoloDataset.get_target, which must equal the trainer's exactly), for yolov5 also
scripts/make_yolov5_fixture.py's yolo_loss with targets from its get_target, the largest difference
of the gradients with respect to the outputs, and of the decoded boxes against utils_bbox.DecodeBox.
Exits 1 when a difference is above --tol (relative).
The repository needs torch, numpy, PIL and cv2; torchvision (only its nms, unused here) is stubbed.
"""
import argparse
import os
import sys
import types

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytorch_learning_reference as R  # noqa: E402

DEFAULT_ANCHORS = {  # the repositories' COCO anchors at 416 / 640, scaled to a 160 input
    "yolov4-tiny": [(10, 14), (23, 27), (37, 58), (81, 82), (135, 169), (344, 319)],
    "yolov3": [(10, 13), (16, 30), (33, 23), (30, 61), (62, 45), (59, 119), (116, 90), (156, 198), (373, 326)],
    "yolov5": [(10, 13), (16, 30), (33, 23), (30, 61), (62, 45), (59, 119), (116, 90), (156, 198), (373, 326)],
}


def import_reference(repo):
    for name in list(sys.modules):
        if name.split(".")[0] in ("nets", "utils"):
            del sys.modules[name]
    if "torchvision" not in sys.modules:
        tv, ops = types.ModuleType("torchvision"), types.ModuleType("torchvision.ops")
        ops.nms = lambda *a, **k: None
        tv.ops = ops
        sys.modules["torchvision"], sys.modules["torchvision.ops"] = tv, ops
    sys.path.insert(0, repo)
    import nets.yolo_training as training
    import utils.utils_bbox as bbox
    return training, bbox


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--arch", choices=sorted(R.ARCHS), required=True)
    p.add_argument("--repo", required=True, help="a checkout of the family's bubbliiiing repository")
    p.add_argument("--train", required=True, help="a VOC root (classes.txt, Annotations, JPEGImages)")
    p.add_argument("--anchors", default=None, help="default: the repository's COCO anchors scaled to --input")
    p.add_argument("--variant", default=None)
    p.add_argument("--width", type=float, default=0.25)
    p.add_argument("--input", type=int, default=160)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--seed", type=int, default=3)
    p.add_argument("--tol", type=float, default=1e-5)
    a = p.parse_args()
    size = a.input
    anchors = (R.parse_anchors(a.anchors, a.arch) if a.anchors else
               [(w * size / (416 if a.arch == "yolov4-tiny" else 640), h * size / (416 if a.arch == "yolov4-tiny" else 640))
                for w, h in DEFAULT_ANCHORS[a.arch]])
    masks = R.parse_mask(R.ARCHS[a.arch][1], a.arch)
    names = R.read_classes(os.path.join(a.train, "classes.txt"))
    nc = len(names)

    R.seed_all(a.seed)
    aug = argparse.Namespace(jitter=0.0, scale_min=0.9, scale_max=1.1, flip=0.5, hue=0.02, sat=0.2, val_gain=0.2)
    data = R.TrainSet(R.read_voc(a.train, names)[:a.batch], size, aug,
                      R.make_dataset_targets(a.arch, anchors, nc, masks, size))
    images, targets, y_trues = R.collate([data[i] for i in range(len(data))])
    model = R.build_model(a.arch, nc, R.variant_of(a), a.width)
    R.weights_init(model)
    model.train()
    # after a few Adam steps the outputs are no longer the initial near-constant ones
    opt = torch.optim.Adam(model.parameters(), 1e-2)
    loss_fn = R.make_loss(a.arch, anchors, nc, (size, size), masks, 0.0)
    for _ in range(3):
        opt.zero_grad()
        outs = model(images)
        sum(loss_fn(l, o, targets, y_trues[l] if y_trues else None) for l, o in enumerate(outs)).backward()
        opt.step()
    with torch.no_grad():
        outs = [o.detach() for o in model(images)]

    def total(fn):
        leaves = [o.clone().requires_grad_(True) for o in outs]
        t = sum(fn(l, o) for l, o in enumerate(leaves))
        t.backward()
        return float(t), [x.grad for x in leaves]

    training, bbox = import_reference(a.repo)
    mine = total(lambda l, o: loss_fn(l, o, targets, y_trues[l] if y_trues else None))
    results = {"trainer": mine}
    if a.arch == "yolov5":
        from utils.dataloader import YoloDataset
        ref_ds = YoloDataset.__new__(YoloDataset)
        ref_ds.anchors, ref_ds.anchors_mask = np.array(anchors, dtype=np.float64), masks
        ref_ds.input_shape, ref_ds.bbox_attrs, ref_ds.threshold = [size, size], 5 + nc, 4
        ref_y = [ref_ds.get_target(t.numpy()) for t in targets]
        ref_y = [torch.from_numpy(np.array([r[l] for r in ref_y], np.float32)) for l in range(len(masks))]
        same = all(torch.equal(u, v) for u, v in zip(ref_y, y_trues))
        print("y_true: trainer %s the repository's YoloDataset.get_target (%d positives)"
              % ("equals" if same else "DIFFERS FROM", sum(int((y[..., 4] == 1).sum()) for y in y_trues)))
        if not same:
            sys.exit(1)
        fix_y = [R.v5.get_target(t.numpy(), nc, anchors, masks, size) for t in targets]
        fix_y = [torch.from_numpy(np.array([r[l] for r in fix_y], np.float32)) for l in range(len(masks))]
        results["make_yolov5_fixture.yolo_loss"] = total(
            lambda l, o: R.v5.yolo_loss(l, o, fix_y[l], nc, 0.0, anchors, masks, size))
        ref = training.YOLOLoss(np.array(anchors, dtype=np.float64), nc, [size, size], False, masks, 0)
        results["repository YOLOLoss"] = total(lambda l, o: ref(l, o, targets, ref_y[l]))
    else:
        ref = training.YOLOLoss(np.array(anchors, dtype=np.float64), nc, [size, size], False, masks)
        results["repository YOLOLoss"] = total(lambda l, o: ref(l, o, targets))
    bad = False
    for name, (value, grads) in results.items():
        rel = abs(value - mine[0]) / abs(mine[0])
        g = max(float((u - v).abs().max() / v.abs().max()) for u, v in zip(grads, mine[1]))
        print("%-32s loss %.9g  rel. diff %.2e  max rel. grad diff %.2e" % (name, value, rel, g))
        bad |= rel > a.tol or g > a.tol

    ref_dec = torch.cat(bbox.DecodeBox(np.array(anchors, dtype=np.float64), nc, (size, size), masks).decode_box(outs), 1)
    my_dec = R.decode(outs, anchors, masks, (size, size), nc, a.arch)
    d = float((ref_dec - my_dec).abs().max())
    print("DecodeBox.decode_box against decode(): max abs diff %.2e over %s" % (d, tuple(my_dec.shape)))
    bad |= d > a.tol
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
