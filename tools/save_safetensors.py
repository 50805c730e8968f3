#!/usr/bin/python3
"""Saves a PyTorch model's state_dict as a safetensors file that ctnn loads
(`io::load_safetensors`) or bakes into a header (`ctnn-embed`), with nothing
but torch installed (the `safetensors` package does the same job).

    import torch
    from save_safetensors import save_state_dict
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    save_state_dict(model, "model.safetensors")            # F32 (or "F64", "F16", "BF16"), names "0.weight", ...

From the shell: /usr/bin/python3 tools/save_safetensors.py model.pt model.safetensors
(model.pt: a whole model saved with torch.save, or a state_dict).
"""
import json
import struct
import sys

import torch


_DTYPES = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16, "BF16": torch.bfloat16,
           "I64": torch.int64}
_NUMPY = {"F32": "<f4", "F64": "<f8", "I64": "<i8"}


def write_safetensors(path, tensors, metadata=None):
    """tensors: (name, tensor, dtype name 'F32' | 'F64' | 'F16' | 'BF16' | 'I64') in file order."""
    header, blobs, offset = {}, [], 0
    for name, tensor, dt in tensors:
        t = tensor.detach().to("cpu", _DTYPES[dt]).contiguous()
        if t.element_size() == 2:  # 16-bit patterns, little-endian
            raw = t.view(torch.int16).numpy().astype("<i2").tobytes()
        else:
            raw = t.numpy().astype(_NUMPY[dt]).tobytes()
        header[name] = {"dtype": dt, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def save_state_dict(model_or_state, path, dtype="F32"):
    """A module's (or a state_dict's) tensors under their state_dict names; integer
    tensors (BatchNorm's num_batches_tracked) stay I64, as PyTorch keeps them."""
    state = model_or_state.state_dict() if hasattr(model_or_state, "state_dict") else model_or_state
    write_safetensors(path, [(k, v, "I64" if v.dtype == torch.int64 else dtype) for k, v in state.items()])


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: save_safetensors.py MODEL.pt OUT.safetensors")
    save_state_dict(torch.load(sys.argv[1], map_location="cpu"), sys.argv[2])
