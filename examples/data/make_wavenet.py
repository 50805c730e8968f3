#!/usr/bin/python3
"""The PyTorch side of examples/wavenet.cpp: a WaveNet the size of Neural Amp
Modeler's "nano" (two stacks of 10 layers with dilations 1, 2, ..., 512,
kernel 3, tanh; 4 residual + 2 skip channels, then 2 + 1), built from
tools/ctnn_torch.py's modules, so its state_dict has the names of the ctnn
type in wavenet.cpp. Writes examples/data/wavenet.safetensors:

    model.<k>   the state_dict, F32 (PyTorch's default initialisation, seed 2026)
    input       F32 [N]  a test signal at 48 kHz: decaying plucked tones and a little noise
    output      F64 [N]  the model's output, computed in float64 from the float32 weights

Regenerate (from the repository root; needs python3-torch only):

    OPENBLAS_CORETYPE=Haswell /usr/bin/python3 examples/data/make_wavenet.py

Each WaveNet layer works on [residual R + skip S] channels:
    Residual(Slice(0, R), CausalConv1d(R, R, 3, dilation=d), Tanh(), Concat(Conv1d(R, R, 1), Conv1d(R, S, 1)))
adds 1x1(tanh(conv_d(x_res))) to the residual channels and 1x1_s(the same) to the skip channels.
"""
import math
import os
import sys

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
from ctnn_torch import CausalConv1d, Concat, Residual, Slice  # noqa: E402
from save_safetensors import write_safetensors  # noqa: E402


def layer(r, s, d):
    return Residual(Slice(0, r), CausalConv1d(r, r, 3, dilation=d), nn.Tanh(),
                    Concat(nn.Conv1d(r, r, 1), nn.Conv1d(r, s, 1)))


def stack(r, s):
    return nn.Sequential(*[layer(r, s, 2 ** i) for i in range(10)])


def main():
    torch.manual_seed(2026)
    model = nn.Sequential(nn.Conv1d(1, 6, 1), stack(4, 2), nn.Conv1d(6, 3, 1), stack(2, 1), Slice(2, 3))
    n = 4800  # 0.1 s at 48 kHz
    t = torch.arange(n, dtype=torch.float64) / 48000.0
    x = torch.zeros(n, dtype=torch.float64)
    for start, f in [(0, 110.0), (1200, 164.8), (2400, 220.0), (3600, 329.6)]:
        tt = (t - start / 48000.0).clamp(min=0)
        env = torch.where(t * 48000.0 >= start, torch.exp(-tt * 12.0), torch.zeros_like(tt))
        x += 0.4 * env * (torch.sin(2 * math.pi * f * tt) + 0.3 * torch.sin(2 * math.pi * 2 * f * tt))
    x += 0.01 * torch.randn(n, dtype=torch.float64)
    x = x.float()
    tensors = [("model." + k, v.detach().clone(), "F32") for k, v in model.state_dict().items()]
    with torch.no_grad():
        y = model.double()(x.double().reshape(1, 1, n)).reshape(n)
    tensors += [("input", x, "F32"), ("output", y, "F64")]
    path = os.path.join(HERE, "wavenet.safetensors")
    write_safetensors(path, tensors, {"torch": torch.__version__, "seed": 2026, "sample_rate": 48000})
    print(f"{path}: {os.path.getsize(path)} bytes, output rms {y.pow(2).mean().sqrt().item():.4f}")


if __name__ == "__main__":
    main()
