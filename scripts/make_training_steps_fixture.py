#!/usr/bin/python3
"""Writes the fixture of TrainingStepsPyTorchParityTest: twenty training steps of the reference trainer.

Run with Debian's PyTorch (apt-get install -y python3-torch python3-numpy python3-pil python3-opencv;
/usr/bin/python3), from the repository root, after scripts/make_yolov4_tiny_fixture.py:
    /usr/bin/python3 scripts/make_training_steps_fixture.py

The step of bench/pytorch_learning_reference.py (the loss and optimiser of bubbliiiing/yolov4-tiny-pytorch
as its train.py runs them): the width-0.25, 3-class network of yolov4_tiny_w025_c3.pth in train mode, the
fixed batch of yolov4_tiny_w025_c3_io.pt ("input", two 64x64 pictures) with the boxes below, YOLOLoss over
both outputs (the repository's anchors, mask [[3, 4, 5], [1, 2, 3]]), Adam (lr 1e-3, betas (0.9, 0.999),
weight decay 0) with train.py's parameter groups, twenty steps on the same batch, all in float64 (the
reference's BCE casts to float32: here it keeps the input's dtype): no data pipeline, so loss, targets and
optimiser are compared alone. Output training_steps.pt: {"losses": [20] the loss before
each step, and the parameters "backbone.conv1.conv.weight", "yolo_headP5.1.weight" and
"yolo_headP4.1.bias" after the last step}.
"""
import os
import sys

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from fixture_common import targets  # noqa: E402
from make_yolov4_tiny_fixture import YoloV4Tiny  # noqa: E402
import pytorch_learning_reference as reference  # noqa: E402
from pytorch_learning_reference import YoloLoss, param_groups  # noqa: E402

FIXTURES = os.path.join(ROOT, "pipeline", "src", "test", "resources", "fixtures")
SIZE = 64
STEPS = 20
LR = 1e-3
ANCHORS = [(10, 14), (23, 27), (37, 58), (81, 82), (135, 169), (344, 319)]
MASK = [[3, 4, 5], [1, 2, 3]]
# per picture: x1, y1, x2, y2 in input pixels, class (TrainingStepsPyTorchParityTest.BOXES)
BOXES = [[[4, 6, 30, 40, 2], [20, 22, 60, 50, 0], [33, 1, 44, 9, 1]], [[10, 10, 54, 58, 1]]]
KEPT = ["backbone.conv1.conv.weight", "yolo_headP5.1.weight", "yolo_headP4.1.bias"]


def bce_in_its_dtype(p, t):
    """the reference's BCE (clip_by_tensor casts to float32 first) kept in the input's dtype"""
    p = torch.clamp(p, 1e-7, 1.0 - 1e-7)
    return -t * torch.log(p) - (1.0 - t) * torch.log(1.0 - p)


def main():
    reference.bce = bce_in_its_dtype
    model = YoloV4Tiny(3, 0.25)
    state = torch.load(os.path.join(FIXTURES, "yolov4_tiny_w025_c3.pth"))
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in state.items()})
    # in float64 (the reference's float32 BCE too): twenty Adam steps amplify rounding (a near-zero
    # gradient still moves its weight by about the rate), so float32 PyTorch itself parts from float64
    # PyTorch by 7e-3 of the loss at step 20
    model = model.double().train()
    images = torch.load(os.path.join(FIXTURES, "yolov4_tiny_w025_c3_io.pt"))["input"].double()
    pg0, pg1, pg2 = param_groups(model)
    adam = torch.optim.Adam(pg0, LR, betas=(0.9, 0.999))
    adam.add_param_group({"params": pg1, "weight_decay": 0.0})
    adam.add_param_group({"params": pg2})
    loss_fn = YoloLoss(ANCHORS, 3, (SIZE, SIZE), MASK)
    boxes = [t.double() for t in targets(BOXES, SIZE)]
    losses = []
    for _ in range(STEPS):
        adam.zero_grad()
        outputs = model(images)
        loss = loss_fn(0, outputs[0], boxes) + loss_fn(1, outputs[1], boxes)
        loss.backward()
        adam.step()
        losses.append(float(loss))
    out = {"losses": torch.tensor(losses, dtype=torch.float64)}
    params = dict(model.named_parameters())
    for k in KEPT:
        out[k] = params[k].detach().clone()
    torch.save(out, os.path.join(FIXTURES, "training_steps.pt"))
    print("losses", " ".join("%.6f" % v for v in losses))


if __name__ == "__main__":
    main()
