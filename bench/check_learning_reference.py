#!/usr/bin/python3
"""Checks bench/pytorch_learning_reference.py's loss, targets and decoding of one family against the
reference repository's own code on one augmented training batch (float32, CPU, as the reference trains).

  REPO=$(mktemp -d); git --git-dir=<mirror of bubbliiiing/yolov5-pytorch> archive HEAD | tar -x -C "$REPO"
  /usr/bin/python3 bench/check_learning_reference.py --arch yolov5 --repo "$REPO" --train <VOC root>
  (yolox: --arch yolox with a checkout of bubbliiiing/yolox-pytorch; its nets/ and utils/ are enough)

Prints, summed over the outputs: the trainer's loss (its data loader's collate, make_total_loss), the
repository's YOLOLoss on the same outputs (yolov5: with the targets of the repository's
YoloDataset.get_target, which must equal the trainer's exactly), for yolov5 also
scripts/make_yolov5_fixture.py's yolo_loss with targets from its get_target, the largest difference
of the gradients with respect to the outputs, and of the decoded boxes against utils_bbox.DecodeBox
(yolox: decode_outputs). yolox (no anchors; its loss is scripts/make_yolox_fixture.py's, which that
script also checks against the repository) first checks that the repository's
YoloDataset.__getitem__ turns the trainer's augmented pictures and boxes into exactly the trainer's
pixels (preprocess_input) and boxes (centre and size in input pixels).
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
        ops.boxes = types.ModuleType("torchvision.ops.boxes")  # yolox-pytorch: boxes.batched_nms
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
    if a.arch == "yolox":
        anchors = masks = None
    else:
        base = 416 if a.arch == "yolov4-tiny" else 640
        anchors = (R.parse_anchors(a.anchors, a.arch) if a.anchors else
                   [(w * size / base, h * size / base) for w, h in DEFAULT_ANCHORS[a.arch]])
        masks = R.parse_mask(R.ARCHS[a.arch][1], a.arch)
    names = R.read_classes(os.path.join(a.train, "classes.txt"))
    nc = len(names)

    R.seed_all(a.seed)
    aug = argparse.Namespace(jitter=0.0, scale_min=0.9, scale_max=1.1, flip=0.5, hue=0.02, sat=0.2, val_gain=0.2)
    data = R.TrainSet(R.read_voc(a.train, names)[:a.batch], size, aug,
                      R.make_dataset_targets(a.arch, anchors, nc, masks, size), a.arch)
    if a.arch == "yolox":
        # one augmentation draw per picture, given to both data loaders' __getitem__
        drawn = [data.augment(path, boxes) for _, path, boxes in data.items]
        data.augment = lambda path, boxes, it=iter(drawn): next(it)
    images, targets, y_trues = R.collate([data[i] for i in range(len(data))])
    model = R.build_model(a.arch, nc, R.variant_of(a), a.width)
    R.weights_init(model)
    model.train()
    # after a few Adam steps the outputs are no longer the initial near-constant ones
    opt = torch.optim.Adam(model.parameters(), 1e-2)
    loss_fn = R.make_total_loss(a.arch, anchors, nc, (size, size), masks, 0.0)
    for _ in range(3):
        opt.zero_grad()
        loss_fn(model(images), targets, y_trues).backward()
        opt.step()
    with torch.no_grad():
        outs = [o.detach() for o in model(images)]

    def total(fn):
        """fn(outputs) and its gradients with respect to each output"""
        leaves = [o.clone().requires_grad_(True) for o in outs]
        t = fn(leaves)
        t.backward()
        return float(t), [x.grad for x in leaves]

    def summed(fn):
        """a loss of one output, fn(l, output), summed over the outputs"""
        return lambda leaves: sum(fn(l, o) for l, o in enumerate(leaves))

    training, bbox = import_reference(a.repo)
    mine = total(lambda leaves: loss_fn(leaves, targets, y_trues))
    results = {"trainer": mine}
    if a.arch == "yolox":
        from utils.dataloader import YoloDataset
        ref_ds = YoloDataset([""] * len(drawn), [size, size], nc, 1, False, False, 0, 0, True)
        ref_ds.get_random_data = lambda line, input_shape, random, it=iter(drawn): tuple(x.copy() for x in next(it))
        ref_items = [ref_ds[i] for i in range(len(drawn))]
        same = all(np.array_equal(img, images[i].numpy()) and np.array_equal(box.reshape(-1, 5), targets[i].numpy())
                   for i, (img, box) in enumerate(ref_items))
        print("pictures and boxes: trainer %s the repository's YoloDataset.__getitem__ (%d boxes)"
              % ("equal" if same else "DIFFER FROM", sum(len(t) for t in targets)))
        if not same:
            sys.exit(1)
        ref = training.YOLOLoss(nc, False)
        # the repository decodes its inputs in place: give it copies
        results["repository YOLOLoss"] = total(lambda leaves: ref([x.clone() for x in leaves], targets))
    elif a.arch == "yolov5":
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
        results["make_yolov5_fixture.yolo_loss"] = total(summed(
            lambda l, o: R.v5.yolo_loss(l, o, fix_y[l], nc, 0.0, anchors, masks, size)))
        ref = training.YOLOLoss(np.array(anchors, dtype=np.float64), nc, [size, size], False, masks, 0)
        results["repository YOLOLoss"] = total(summed(lambda l, o: ref(l, o, targets, ref_y[l])))
    else:
        ref = training.YOLOLoss(np.array(anchors, dtype=np.float64), nc, [size, size], False, masks)
        results["repository YOLOLoss"] = total(summed(lambda l, o: ref(l, o, targets)))
    bad = False
    for name, (value, grads) in results.items():
        rel = abs(value - mine[0]) / abs(mine[0])
        g = max(float((u - v).abs().max() / v.abs().max()) for u, v in zip(grads, mine[1]))
        print("%-32s loss %.9g  rel. diff %.2e  max rel. grad diff %.2e" % (name, value, rel, g))
        bad |= rel > a.tol or g > a.tol

    if a.arch == "yolox":
        ref_dec, ref_name = bbox.decode_outputs([o.clone() for o in outs], [size, size]), "decode_outputs"
    else:
        ref_dec = torch.cat(bbox.DecodeBox(np.array(anchors, dtype=np.float64), nc, (size, size), masks)
                            .decode_box(outs), 1)
        ref_name = "DecodeBox.decode_box"
    my_dec = R.decode(outs, anchors, masks, (size, size), nc, a.arch)
    d = float((ref_dec - my_dec).abs().max())
    print("%s against decode(): max abs diff %.2e over %s" % (ref_name, d, tuple(my_dec.shape)))
    bad |= d > a.tol
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
