"""PyTorch modules for ctnn's graph structures, so that a PyTorch model has
the same module tree, and so the same state_dict names, as a ctnn network
type (plain torch, nothing else; works with /usr/bin/python3).

    ctnn                        PyTorch                       parameter names
    Sequential<Input<n>, ...>   nn.Sequential(...)            0.weight, 0.bias, ...
    Dense<m>                    nn.Linear(n, m)               <i>.weight [m, n], <i>.bias [m]
    Residual<Layers...>         Residual(*layers)             <i>.body.<j>.weight
    Concat<Branch...>           Concat(*branches)             <i>.branches.<k>.weight      (branch k one layer)
    Add<Branch...>              Add(*branches)                <i>.branches.<k>.<j>.weight  (branch k a Sequential)

Residual computes x + body(x), Concat torch.cat([b(x) ...], dim=1), Add the
sum of its branches' outputs.

A branch is one layer (its module goes into the list as it is) or a nested
`Sequential<Layers...>` without `Input` (an nn.Sequential). A Residual's
body and every branch see the block's input; a Residual's body must give
back its input's shape; Add's branches must agree on their output shape;
Concat joins its branches along the first axis of a sample (features, or
channels of a [C, H, W] map), so their widths add up. For example

    Sequential<Input<5>, Dense<6>, Tanh, Residual<Dense<6>, ReLU, Dense<6>>,
               Concat<Sequential<Dense<3>, Tanh>, Dense<2>>, Dense<3>>

is (5 -> 6 -> 6 -> 3 + 2 = 5 -> 3)

    nn.Sequential(nn.Linear(5, 6), nn.Tanh(),
                  Residual(nn.Linear(6, 6), nn.ReLU(), nn.Linear(6, 6)),
                  Concat(nn.Sequential(nn.Linear(6, 3), nn.Tanh()), nn.Linear(6, 2)),
                  nn.Linear(5, 3))

with parameters 0.weight, 0.bias, 2.body.0.weight, 2.body.0.bias,
2.body.2.weight, 2.body.2.bias, 3.branches.0.0.weight,
3.branches.0.0.bias, 3.branches.1.weight, 3.branches.1.bias, 4.weight,
4.bias: save its state_dict (tools/save_safetensors.py) and
`io::load_safetensors` reads it into that type.

    import sys; sys.path.insert(0, "tools")
    from ctnn_torch import Residual, Concat, Add
"""
import torch
from torch import nn


class Residual(nn.Module):
    """y = x + body(x), body = nn.Sequential(*layers): ctnn's Residual<Layers...>."""

    def __init__(self, *layers):
        super().__init__()
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        return x + self.body(x)


class Concat(nn.Module):
    """torch.cat([b(x) for b in branches], dim=1): ctnn's Concat<Branch...> on a batch."""

    def __init__(self, *branches):
        super().__init__()
        self.branches = nn.ModuleList(branches)

    def forward(self, x):
        return torch.cat([b(x) for b in self.branches], dim=1)


class Add(nn.Module):
    """The sum of the branches' outputs: ctnn's Add<Branch...>."""

    def __init__(self, *branches):
        super().__init__()
        self.branches = nn.ModuleList(branches)

    def forward(self, x):
        y = self.branches[0](x)
        for b in self.branches[1:]:
            y = y + b(x)
        return y


# ---- recurrent layers (ctnn's GRU<H, Layers, Returns> and LSTM<...>) -------------
#
#   ctnn                              PyTorch                                  parameter names
#   GRU<H, L>  on [T, F] samples      GRU(F, H, num_layers=L)                  <i>.weight_ih_l0 [3H, F], <i>.weight_hh_l0 [3H, H],
#   GRU<H, L, Returns::last>          GRU(F, H, num_layers=L, last=True)       <i>.bias_ih_l0 [3H], <i>.bias_hh_l0 [3H], ..._l1
#   LSTM<...>                         LSTM(F, H, ...)                          the same with 4H (gates i, f, g, o)
#
# batch_first=True; forward returns the output sequence [B, T, H] (or its
# last step [B, H] with last=True) instead of nn.GRU's (output, h_n) tuple,
# so the module sits in an nn.Sequential with nn.GRU's parameter names.
# `hx` (h0, or (h0, c0) for LSTM) is the initial state, ctnn's state.h / state.c.

class _ReturnsOutput:
    """batch_first=True and a forward that returns the output tensor (or its
    last step with last=True) instead of (output, h_n): mixed into nn.GRU and
    nn.LSTM, whose parameter names it keeps."""

    def __init__(self, input_size, hidden_size, num_layers=1, last=False):
        super().__init__(input_size, hidden_size, num_layers=num_layers, batch_first=True)
        self.last = last

    def forward(self, x, hx=None):
        out, _ = super().forward(x, hx)
        return out[:, -1] if self.last else out


class GRU(_ReturnsOutput, nn.GRU):
    """nn.GRU(batch_first=True) returning its output tensor, or its last step."""


class LSTM(_ReturnsOutput, nn.LSTM):
    """nn.LSTM(batch_first=True) returning its output tensor, or its last step."""


# ---- normalization and pooling (ctnn's layers/pool.hpp) ----------------------------


class GlobalAvgPool(nn.Module):
    """The mean of each channel over every axis after it, [B, C, ...] -> [B, C]:
    ctnn's GlobalAvgPool (nn.AdaptiveAvgPool2d(1) then nn.Flatten() for images)."""

    def forward(self, x):
        return x.mean(dim=tuple(range(2, x.dim())))


# ---- sequences: causal convolutions and slices (ctnn's Conv1D<..., Causal>, Slice) ----------------

import torch.nn.functional as _F  # noqa: E402


class CausalConv1d(nn.Conv1d):
    """nn.Conv1d with (kernel_size - 1) * dilation zeros on the left of the
    sequence and none on the right, so output t sees inputs up to t: ctnn's
    Conv1D<out, K, stride, dilation, groups, Causal> on [C, L] samples (and,
    with stride 1, bound to one step [C] of a stream). Keeps nn.Conv1d's
    parameter names and layout (weight [out, in/groups, K], bias [out]) and
    its initialisation."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, dilation=1, groups=1, bias=True):
        super().__init__(in_channels, out_channels, kernel_size, stride=stride, padding=0, dilation=dilation,
                         groups=groups, bias=bias)
        self.left = (kernel_size - 1) * dilation

    def forward(self, x):
        return super().forward(_F.pad(x, (self.left, 0)))


class Slice(nn.Module):
    """x[:, begin:end]: rows [begin, end) of the first axis of each sample
    (features, or channels of [C, L]): ctnn's Slice<Begin, End>. No parameters."""

    def __init__(self, begin, end):
        super().__init__()
        self.begin, self.end = begin, end

    def forward(self, x):
        return x[:, self.begin:self.end]
