#!/usr/bin/python3
"""Saves a PyTorch model's state_dict as a safetensors file that ctnn loads
(`io::load_safetensors`) or bakes into a header (`ctnn-embed`), with nothing
but torch installed (the `safetensors` package does the same job).

    import torch
    from save_safetensors import save_state_dict
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    save_state_dict(model, "model.safetensors")            # float32, names "0.weight", "0.bias", ...

From the shell: /usr/bin/python3 tools/save_safetensors.py model.pt model.safetensors
(model.pt: a whole model saved with torch.save, or a state_dict).
"""
import json
import struct
import sys

import torch


def save_state_dict(model_or_state, path, dtype=torch.float32):
    state = model_or_state.state_dict() if hasattr(model_or_state, "state_dict") else model_or_state
    name = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.bfloat16: "BF16"}[dtype]
    header, blobs, offset = {}, [], 0
    for key, tensor in state.items():
        t = tensor.detach().to("cpu", dtype).contiguous()
        raw = t.view(torch.int16).numpy().astype("<i2").tobytes() if t.element_size() == 2 else \
            t.numpy().astype("<f4" if dtype == torch.float32 else "<f8").tobytes()
        header[key] = {"dtype": name, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: save_safetensors.py MODEL.pt OUT.safetensors")
    save_state_dict(torch.load(sys.argv[1], map_location="cpu"), sys.argv[2])
