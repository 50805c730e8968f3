#!/usr/bin/python3
"""The PyTorch side of examples/fashion_cnn.cpp: the same CNN trained in
PyTorch from the same recipe (Adam 1e-3, batches of 64, softmax
cross-entropy, the pixels scaled to [0, 1], a random half of the training
images mirrored left to right before the epoch), for one epoch, so that the
example can load its state_dict by name and check that ctnn predicts what
PyTorch predicts on all 10,000 test images. Writes
examples/data/fashion_cnn_torch.safetensors:

    model.<k>         the state_dict (F32; BatchNorm's num_batches_tracked I64)
    test_predictions  I64 [10000]    PyTorch's class for every test image (eval mode)
    test_logits       F32 [500, 10]  its logits for the first 500 test images

Regenerate (from the repository root; needs python3-torch and Debian's
dataset-fashion-mnist):

    OPENBLAS_CORETYPE=Haswell /usr/bin/python3 examples/data/make_fashion_cnn.py
"""
import gzip
import os
import sys

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
from ctnn_torch import Residual  # noqa: E402
from save_safetensors import write_safetensors  # noqa: E402

DATA = "/usr/share/datasets/fashion-mnist"


def idx(kind, what):
    with gzip.open(os.path.join(DATA, f"{kind}-{what}-idx{3 if what == 'images' else 1}-ubyte.gz")) as f:
        raw = np.frombuffer(f.read(), dtype=np.uint8)
    return raw[16:].reshape(-1, 1, 28, 28) if what == "images" else raw[8:]


def conv(i, o):
    return nn.Conv2d(i, o, 3, padding=1)


def model():
    # the ctnn type: Sequential<Input<1, 28, 28>, Conv2D<16, 3, 3, 1, 1, 1, Pad<1>>, BatchNorm2D, ReLU,
    #   MaxPool2D<2, 2>, Conv2D<32, ...>, BatchNorm2D, ReLU, MaxPool2D<2, 2>,
    #   Residual<Conv2D<32, ...>, BatchNorm2D, ReLU, Conv2D<32, ...>, BatchNorm2D>, ReLU, Flatten, Dense<128>,
    #   ReLU, Dropout<0.3>, Dense<10>>
    return nn.Sequential(conv(1, 16), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
                         conv(16, 32), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
                         Residual(conv(32, 32), nn.BatchNorm2d(32), nn.ReLU(), conv(32, 32), nn.BatchNorm2d(32)),
                         nn.ReLU(), nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Dropout(0.3),
                         nn.Linear(128, 10))


def main():
    torch.manual_seed(2026)
    torch.set_num_threads(1)
    x = torch.from_numpy(idx("train", "images").astype(np.float32) / 255.0)
    y = torch.from_numpy(idx("train", "labels").astype(np.int64))
    xt = torch.from_numpy(idx("t10k", "images").astype(np.float32) / 255.0)
    net = model()
    adam = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss = nn.CrossEntropyLoss()
    net.train()
    flip = torch.rand(len(x)) < 0.5
    x[flip] = x[flip].flip(-1)
    order = torch.randperm(len(x))
    for k in range(0, len(x), 64):
        i = order[k:k + 64]
        adam.zero_grad()
        loss(net(x[i]), y[i]).backward()
        adam.step()
    net.eval()
    with torch.no_grad():
        logits = torch.cat([net(xt[k:k + 500]) for k in range(0, len(xt), 500)])
    pred = logits.argmax(1)
    labels = torch.from_numpy(idx("t10k", "labels").astype(np.int64))
    tensors = [("model." + k, v.detach().clone(), "I64" if v.dtype == torch.int64 else "F32")
               for k, v in net.state_dict().items()]
    tensors += [("test_predictions", pred, "I64"), ("test_logits", logits[:500].clone(), "F32")]
    path = os.path.join(HERE, "fashion_cnn_torch.safetensors")
    write_safetensors(path, tensors, {"torch": torch.__version__, "seed": 2026, "epochs": 1})
    print(f"{path}: {os.path.getsize(path)} bytes, PyTorch test accuracy after one epoch "
          f"{(pred == labels).float().mean().item() * 100:.2f}%")


if __name__ == "__main__":
    main()
