#!/usr/bin/env python3
"""Writes model.safetensors, the model the consumer test embeds: the 4-8-2 MLP
of model_type.hpp (the same formulas), saved as PyTorch would save it inside a
bigger module (names under "encoder.", so the test exercises PREFIX), and
calibration.npy, 6 samples [6, 4] (multiples of 1/8) for its int8 form. Only the
standard library: run it with any Python 3, no torch needed.

    python3 tests/consumer/find_package/make_model.py
"""
import json
import os
import struct


def tensors():
    w1 = [((3 * o + 5 * i) % 9 - 4) / 8 for o in range(8) for i in range(4)]
    b1 = [(o % 3 - 1) / 4 for o in range(8)]
    w2 = [((2 * o + 3 * j) % 7 - 3) / 4 for o in range(2) for j in range(8)]
    b2 = [0.5, -0.25]
    return [("encoder.0.weight", [8, 4], w1), ("encoder.0.bias", [8], b1),
            ("encoder.2.weight", [2, 8], w2), ("encoder.2.bias", [2], b2)]


def main():
    header, data = {}, b""
    for name, shape, values in tensors():
        raw = struct.pack("<%df" % len(values), *values)
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "model.safetensors")
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


def write_calibration():
    values = [((5 * s + 3 * i) % 11 - 5) / 8 for s in range(6) for i in range(4)]
    text = "{'descr': '<f4', 'fortran_order': False, 'shape': (6, 4), }"
    text += " " * (-(10 + len(text) + 1) % 64) + "\n"
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "calibration.npy")
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode() + struct.pack("<24f", *values))


if __name__ == "__main__":
    main()
    write_calibration()
