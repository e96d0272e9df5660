#!/usr/bin/python3
"""Writes the PyTorch fixture that checks sparkdet's Adam against PyTorch's (AdamStepsPyTorchParityTest).

Run with Debian's PyTorch (apt-get install -y python3-torch; /usr/bin/python3), from the repository
root:  /usr/bin/python3 scripts/make_adam_fixture.py

Two parameters as the repository's optimiser groups them: a 4-d convolution weight (decayed) and a
bias (not decayed), torch.optim.Adam(lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 5e-4 on
the weight), six steps on fixed gradients that shrink by 10x every two steps (where swapped betas
go wrong: a second moment that forgets faster than the first makes the step outgrow the rate).
Output adam_steps.pt: {"weight", "bias": the start; "grad_weight.K", "grad_bias.K": the gradient of
step K; "weight.K", "bias.K": the parameters after step K}, K = 1..6, float32.
"""
import os

import torch

OUT = os.path.join("pipeline", "src", "test", "resources", "fixtures")
STEPS = 6


def main():
    gen = torch.Generator().manual_seed(0)
    weight = torch.randn(4, 3, 3, 3, generator=gen)
    bias = torch.randn(4, generator=gen)
    out = {"weight": weight.clone(), "bias": bias.clone()}
    w = weight.clone().requires_grad_(True)
    b = bias.clone().requires_grad_(True)
    adam = torch.optim.Adam([{"params": [w], "weight_decay": 5e-4}, {"params": [b], "weight_decay": 0.0}],
                            lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    for k in range(1, STEPS + 1):
        scale = 10.0 ** -((k - 1) // 2)
        gw = torch.randn(w.shape, generator=gen) * scale
        gb = torch.randn(b.shape, generator=gen) * scale
        adam.zero_grad()
        ((w * gw).sum() + (b * gb).sum()).backward()
        adam.step()
        out["grad_weight.%d" % k] = gw
        out["grad_bias.%d" % k] = gb
        out["weight.%d" % k] = w.detach().clone()
        out["bias.%d" % k] = b.detach().clone()
    os.makedirs(OUT, exist_ok=True)
    torch.save(out, os.path.join(OUT, "adam_steps.pt"))
    print("after %d steps: weight moved %.6f, bias moved %.6f" % (
        STEPS, float((out["weight.%d" % STEPS] - weight).abs().max()), float((out["bias.%d" % STEPS] - bias).abs().max())))


if __name__ == "__main__":
    main()
