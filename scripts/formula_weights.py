"""Weights from a formula, for full-size networks whose random weights would not fit in a fixture
(the segmentation networks have no width multiplier: UNet-VGG16 alone holds 25 million floats).
sparkdet's tests compute the same values in Java (sparkdet.models.segmentation.FormulaWeights), so
a fixture holds only an input and the reference's outputs.

The tensor at position p of a state dict (in its order), element i (row-major), gets
    h = (p * 0x9E3779B1 + i * 0x85EBCA77 + 0x165667B1) mod 2^32, then the avalanche
    h ^= h >> 15; h = h * 0x2C1B3C6D mod 2^32; h ^= h >> 12; h = h * 0x297A2D39 mod 2^32; h ^= h >> 15
    u = (h >> 8) / 2^24                       (24 bits: exact in float32, in [0, 1))
    value = float32(lo + (hi - lo) * u)       (in float64, one rounding per operation, then to float32)
with (lo, hi) by the tensor's role, so that the network computes something of ordinary size:
    4-d (convolution weights)        -b, b with b = sqrt(6 / fan_in), He initialisation's variance
    *running_var                     0.5, 1.5 (batch-norm statistics away from 1 ...)
    1-d *weight (batch-norm scales)  0.5, 1.0 (at most 1: deep residual sums stay small)
    other floating (biases, means)   -0.1, 0.1 (... and from 0)
Integer buffers (num_batches_tracked) keep their values. No product exceeds 2^62, so int64
arithmetic is exact in both languages.

positions(state) is what such a fixture keeps of the reference's state dict: its names, shapes and
order, tensor p holding p (loading it by name puts p where the reference has tensor p).
"""
import math

import torch

MASK = 0xFFFFFFFF


def uniform(position, count):
    """u in [0, 1) of elements 0..count-1 of the tensor at position"""
    i = torch.arange(count, dtype=torch.int64)
    h = (position * 0x9E3779B1 + i * 0x85EBCA77 + 0x165667B1) & MASK
    h ^= h >> 15
    h = (h * 0x2C1B3C6D) & MASK
    h ^= h >> 12
    h = (h * 0x297A2D39) & MASK
    h ^= h >> 15
    return (h >> 8).double() / 2 ** 24


def bounds(name, shape):
    if len(shape) == 4:
        b = math.sqrt(6.0 / (shape[1] * shape[2] * shape[3]))
        return -b, b
    if name.endswith("running_var"):
        return 0.5, 1.5
    if name.endswith("weight") and len(shape) == 1:
        return 0.5, 1.0
    return -0.1, 0.1


def values(position, name, shape):
    lo, hi = bounds(name, list(shape))
    u = uniform(position, math.prod(shape))
    return (lo + (hi - lo) * u).float().reshape(shape)


def fill(model):
    """every floating parameter and buffer of the model from the formula, by state-dict position"""
    with torch.no_grad():
        for p, (name, t) in enumerate(model.state_dict().items()):
            if t.is_floating_point():
                t.copy_(values(p, name, t.shape))


def positions(state):
    """the state dict with tensor p holding p everywhere, each a stride-0 view of one shared storage"""
    floats = torch.arange(len(state), dtype=torch.float32)
    integers = torch.arange(len(state), dtype=torch.int64)
    out = {}
    for p, (name, t) in enumerate(state.items()):
        storage = floats if t.is_floating_point() else integers
        out[name] = storage.as_strided(t.shape, [0] * t.dim(), p)
    return out
