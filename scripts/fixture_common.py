"""What the YOLO fixture scripts (make_yolov3_fixture.py, make_yolov4_fixture.py,
make_yolov4_tiny_fixture.py, make_training_steps_fixture.py) share: sparkdet's width rounding, the
random weights, the float16 round trip of a fixture's state dict, the check of a network written
here against a reference repository's own, and the reference dataloader's targets. Imported by
name: Python puts a script's folder first on its path."""
import math
import os
from collections import OrderedDict

import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "pipeline", "src", "test", "resources", "fixtures")


def width(n, w):
    """sparkdet's Widths: multiples of 8, at least 8, rounding half to even"""
    return max(8, int(round(n * w / 8)) * 8)


def randomise(model, gen, bn_scales=(0.5, 1.0)):
    """weights as the repositories initialise their backbones, BN statistics away from 0/1 so eval mode is
    exercised; BN scales of at most 1 keep deep residual sums (and so the outputs) in single digits"""
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            n = m.kernel_size[0] * m.kernel_size[1] * m.out_channels
            m.weight.data.normal_(0, math.sqrt(2.0 / n), generator=gen)
            if m.bias is not None:
                m.bias.data.uniform_(-0.5, 0.5, generator=gen)
        elif isinstance(m, nn.BatchNorm2d):
            m.weight.data.uniform_(*bn_scales, generator=gen)
            m.bias.data.normal_(0, 0.1, generator=gen)
            m.running_mean.normal_(0, 0.1, generator=gen)
            m.running_var.uniform_(0.5, 1.5, generator=gen)
            m.num_batches_tracked.fill_(7)


def half_weights_and_outputs(model, gen, size):
    """the model's state dict in float16 (fixtures stay under 1 MB), and {"input": [2,3,size,size], "out0"...}:
    its eval-mode outputs computed in float32 from exactly those rounded weights"""
    half = OrderedDict((k, v.half() if v.is_floating_point() else v) for k, v in model.state_dict().items())
    model.load_state_dict(OrderedDict((k, v.float() if v.is_floating_point() else v) for k, v in half.items()))
    model.eval()
    x = torch.rand(2, 3, size, size, generator=gen)
    with torch.no_grad():
        outs = model(x)
    io = {"input": x}
    for i, o in enumerate(outs):
        io["out%d" % i] = o
    return half, io


def assert_same_network(mine, ref, gen, size, label):
    """the same state-dict names and shapes, and with mine's weights the same outputs in eval and train mode"""
    assert [(k, v.shape) for k, v in mine.state_dict().items()] == \
        [(k, v.shape) for k, v in ref.state_dict().items()], label
    ref.load_state_dict(mine.state_dict())
    x = torch.rand(2, 3, size, size, generator=gen).double()
    for train in (False, True):
        mine.double().train(train), ref.double().train(train)
        for u, v in zip(mine(x), ref(x)):
            assert torch.allclose(u, v, rtol=0, atol=1e-10), (label, train, float((u - v).abs().max()))


def targets(boxes, size):
    """the reference dataloader's targets of boxes given per picture as x1, y1, x2, y2 in input pixels and
    class: centre x, centre y, width, height as fractions of the input, class"""
    out = []
    for picture in boxes:
        t = torch.tensor(picture, dtype=torch.float32)
        xywh = torch.stack([(t[:, 0] + t[:, 2]) / 2, (t[:, 1] + t[:, 3]) / 2, t[:, 2] - t[:, 0], t[:, 3] - t[:, 1]], 1)
        out.append(torch.cat([xywh / size, t[:, 4:5]], 1))
    return out


def print_reference_loss(loss_fn, io, boxes, size, label):
    """a reference YOLOLoss on the fixture outputs, summed over them as utils_fit.py does, and the sums of
    absolute values of its gradients with respect to each output: the numbers the loss tests expect"""
    outs = [io["out%d" % i].clone().requires_grad_(True) for i in range(len(io) - 1)]
    total = sum(loss_fn(l, o, targets(boxes, size)) for l, o in enumerate(outs))
    total.backward()
    print("reference YOLOLoss%s %.10g" % (label, float(total)))
    for i, o in enumerate(outs):
        print("  grad abs sum out%d %.10g" % (i, float(o.grad.abs().sum())))
