"""Shared helpers of the examples' parity scripts (examples/<name>/parity/make_fixtures.py).

Each script builds the original implementation at the example's tiny configuration and writes
one safetensors file: `state.<name>` (the reference's state_dict under its own names),
`input.<name>` (what both sides are fed) and `output.<name>` (what the reference computed), with
the reference repository, its commit and the torch version in the metadata. Only torch and numpy
are needed; safetensors is written by hand so that no pip package is required.
"""
import importlib.util
import json
import os
import struct
import subprocess
import sys

import numpy as np
import torch

DTYPES = {"F16": np.float16, "F32": np.float32, "F64": np.float64, "I64": np.int64, "I32": np.int32, "U8": np.uint8, "BOOL": np.bool_}


def write_safetensors(path, tensors, meta):
    codes = {np.dtype(v): k for k, v in DTYPES.items()}
    header, chunks, offset = {"__metadata__": meta}, [], 0
    for name in sorted(tensors):
        t = np.asarray(tensors[name])
        t = t if t.flags.c_contiguous else np.ascontiguousarray(t)
        data = t.astype(t.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": codes[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def load_module(name, path):
    """Imports one file of the reference checkout by path, without its package's __init__ (which
    may import optional dependencies the model itself does not use)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def git_commit(checkout):
    """The checkout's commit: from git when it is a clone, else from a COMMIT file beside the code."""
    try:
        return subprocess.check_output(["git", "-C", checkout, "rev-parse", "HEAD"], stderr=subprocess.DEVNULL).decode().strip()
    except Exception:
        marker = os.path.join(checkout, "COMMIT")
        return open(marker).read().strip() if os.path.exists(marker) else "unknown"


def randomize(model, seed, scale=0.5):
    """Replaces every parameter and floating buffer with seeded noise, so that no weight keeps a
    value (LayerNorm 1/0, zero biases) that would hide a wrongly mapped tensor. LayerNorm-like
    weights (1-d, named weight, under a norm) stay near 1 so activations keep their scale."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=g, dtype=torch.float64).to(p.dtype)
            lname = name.lower()
            if p.dim() == 1 and name.endswith("weight") and ("norm" in lname or "ln" in lname):
                p.copy_(1 + 0.1 * noise)
            elif p.dim() >= 2:
                fan_in = int(np.prod(p.shape[1:]))
                p.copy_(noise * scale / np.sqrt(max(fan_in, 1)) * 2)
            else:
                p.copy_(0.1 * noise)
            # Values a float16 holds exactly, so the state_dict is stored in half the bytes
            # with nothing lost: the reference runs in float32 on these very values.
            p.copy_(p.half().float())
    return model


def state_tensors(model, prefix="state."):
    """The state_dict, parameters as float16 (exact, see randomize), buffers as they are."""
    # By storage, not by name: a tied weight (an MLM decoder sharing the word table) is listed
    # under one name by named_parameters but under both in the state_dict.
    params = {p.data_ptr() for p in model.parameters()}
    out = {}
    for k, v in model.state_dict().items():
        a = v.detach().cpu().numpy()
        if a.dtype == np.float32 and v.data_ptr() in params:
            assert np.array_equal(a.astype(np.float16).astype(np.float32), a), f"{k} is not float16-exact"
            a = a.astype(np.float16)
        out[prefix + k] = a
    return out


def metadata(repo, checkout, config, extra=None):
    meta = {
        "reference": repo,
        "commit": git_commit(checkout),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "config": json.dumps(config, sort_keys=True),
    }
    meta.update(extra or {})
    return meta


def lcg_values(shape, seed):
    """Values the parity tests regenerate instead of reading them from the fixture (for the largest
    head matrices): a 32-bit linear congruential sequence (1664525, 1013904223), each value the top
    10 bits of the state as (q - 512) / 2048, which float16 and float32 hold exactly.
    Mirrors `lcgTensor` in test/src/reference-parity.ts."""
    n = int(np.prod(shape))
    out = np.empty(n, dtype=np.float32)
    s = (seed & 0xFFFFFFFF) or 1
    for k in range(n):
        s = (s * 1664525 + 1013904223) & 0xFFFFFFFF
        out[k] = ((s >> 22) - 512) / 2048
    return out.reshape(shape)


def regenerate(model, names, seed):
    """Replaces the named parameters with lcg_values (seed, seed + 1, ...) and returns the
    metadata entry the test reads to rebuild them: name -> [shape, seed]."""
    params = dict(model.named_parameters())
    generated = {}
    with torch.no_grad():
        for k, name in enumerate(names):
            p = params[name]
            p.copy_(torch.from_numpy(lcg_values(tuple(p.shape), seed + k)))
            generated[name] = [list(p.shape), seed + k]
    return generated


def write_key_list(path, items, source):
    """A checkpoint's names, dtypes and shapes (no values), for the test that every key of a
    full-size checkpoint finds its place in the full-size graph: {"source": ..., "keys": {name:
    [dtype, shape]}}. `items` yields (name, dtype string, shape)."""
    keys = {name: [dtype, list(shape)] for name, dtype, shape in items}
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump({"source": source, "keys": keys}, f, indent=0, separators=(",", ":"))
        f.write("\n")
    print("wrote", path, "with", len(keys), "keys")


def state_dict_items(model):
    names = {torch.float32: "float32", torch.float16: "float16", torch.int64: "int64"}
    return [(k, names[v.dtype], tuple(v.shape)) for k, v in model.state_dict().items()]
