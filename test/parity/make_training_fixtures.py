"""Reference training runs for test/src/train-parity.test.ts, in PyTorch.

Re-implements the two parity graphs (test/parity/late-fusion-train.json and
examples/clip/tiny.json) as plain torch functions with ModalFlow's node semantics, loads the
initial weights and batches that export-training-inputs.ts wrote, trains 20 steps with SGD and
with AdamW (clip_grad_norm_, LambdaLR warm-up) and writes losses and weights as fixtures.
Run by hand with Debian's python3 (torch 1.13, numpy); see README.md. CI never runs it.

    npx tsx test/parity/export-training-inputs.ts /tmp/modalflow-training-parity
    /usr/bin/python3 test/parity/make_training_fixtures.py /tmp/modalflow-training-parity
"""
import hashlib
import json
import math
import os
import re
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
STEPS = 20
WARMUP = 5
# Weight tensors above this many values are stored as a strided sample (see sample_index), so
# four snapshots of tiny CLIP fit in a few hundred kB.
SAMPLE_CAP = 2048

# The two runs, in ModalFlow's TrainConfig form; the test builds its TrainConfig from these.
CONFIGS = {
    "sgd": {"optimizer": {"kind": "sgd", "lr": 0.05, "momentum": 0.9, "weightDecay": 1e-4},
            "schedule": {"warmupSteps": WARMUP}, "clipNorm": 1.0},
    # Attention key biases are frozen under AdamW: softmax ignores a shift shared by all keys,
    # so their gradient is identically zero and what autodiff returns is rounding noise (1e-10),
    # which AdamW's g / (sqrt(v) + eps) turns into steps of about +-lr with an arbitrary sign.
    # No two implementations (nor PyTorch in float32 and float64) agree on those.
    "adamw": {"optimizer": {"kind": "adamw", "lr": 1e-3, "weightDecay": 0.01},
              "schedule": {"warmupSteps": WARMUP}, "clipNorm": 1.0, "freeze": ["*.self_attn.k_proj.bias"]},
}

# ---- safetensors: 8-byte little-endian header length, JSON header, raw little-endian data ----

DTYPES = {"F32": np.float32, "I64": np.int64, "U8": np.uint8, "I32": np.int32}


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    out = {}
    for name, e in header.items():
        a, b = e["data_offsets"]
        out[name] = np.frombuffer(raw[8 + n + a:8 + n + b], dtype=DTYPES[e["dtype"]]).reshape(e["shape"]).copy()
    return out, meta


def write_safetensors(path, tensors, meta):
    codes = {np.dtype(v): k for k, v in DTYPES.items()}
    header, chunks, offset = {"__metadata__": meta}, [], 0
    for name in sorted(tensors):
        t = np.ascontiguousarray(tensors[name])
        data = t.astype(t.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": codes[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def sample_index(n):
    """Flat indices kept for a tensor of n values: all, or every s-th with s coprime to n, so the
    sample meets every residue of every axis (no column or channel is skipped)."""
    if n <= SAMPLE_CAP:
        return np.arange(n)
    s = -(-n // SAMPLE_CAP)
    while math.gcd(s, n) != 1:
        s += 1
    return np.arange(0, n, s)


# ---- node semantics, as the node files lower them ----

def linear(x, w, b=None):
    y = x @ w.t()
    return y if b is None else y + b


def gelu(x):
    # layer.activation 'gelu': x/2 (1 + erf(x / sqrt 2)), the exact form.
    return x * 0.5 * (torch.erf(x * math.sqrt(0.5)) + 1)


def quick_gelu(x):
    return x * torch.sigmoid(x * 1.702)


def layer_norm(x, P, prefix, eps):
    return F.layer_norm(x, x.shape[-1:], P[prefix + "weight"], P[prefix + "bias"], eps)


def attention(x, P, p, heads, causal):
    """nodes/lib/attention.ts: softmax(Q K^T / sqrt(dh) + M) V, M = -1e9 above the diagonal."""
    b, t, d = x.shape
    dh = d // heads
    q = linear(x, P[p + "q_proj.weight"], P[p + "q_proj.bias"]).reshape(b, t, heads, dh).permute(0, 2, 1, 3)
    k = linear(x, P[p + "k_proj.weight"], P[p + "k_proj.bias"]).reshape(b, t, heads, dh).permute(0, 2, 3, 1)
    v = linear(x, P[p + "v_proj.weight"], P[p + "v_proj.bias"]).reshape(b, t, heads, dh).permute(0, 2, 1, 3)
    scores = (q @ k) * (1 / math.sqrt(dh))
    if causal:
        scores = scores + torch.triu(torch.ones(t, t), diagonal=1) * -1e9
    ctx = (torch.softmax(scores, dim=-1) @ v).permute(0, 2, 1, 3).reshape(b, t, d)
    return linear(ctx, P[p + "out_proj.weight"], P[p + "out_proj.bias"])


def transformer(x, P, p, layers, heads, causal, pre_norm, final_norm, eps=1e-5):
    """encoder.transformer with norm 'pre' and quick_gelu: x += MHA(LN1 x); x += fc2(act(fc1(LN2 x)))."""
    if pre_norm:
        x = layer_norm(x, P, p + "pre_layrnorm.", eps)
    for i in range(layers):
        lp = f"{p}layers.{i}."
        x = x + attention(layer_norm(x, P, lp + "layer_norm1.", eps), P, lp + "self_attn.", heads, causal)
        h = layer_norm(x, P, lp + "layer_norm2.", eps)
        h = linear(quick_gelu(linear(h, P[lp + "mlp.fc1.weight"], P[lp + "mlp.fc1.bias"])), P[lp + "mlp.fc2.weight"], P[lp + "mlp.fc2.bias"])
        x = x + h
    if final_norm:
        x = layer_norm(x, P, p + "final_layer_norm.", eps)
    return x


def late_fusion_loss(P, batch):
    t = gelu(linear(batch["text.value"], P["text_proj.weight"], P["text_proj.bias"]))
    i = gelu(linear(batch["image.value"], P["image_proj.weight"], P["image_proj.bias"]))
    h = layer_norm(torch.cat([t, i], dim=-1), P, "norm.", 1e-5)
    # head.classifier 'gelu_ln': Linear -> GELU -> LayerNorm (eps 1e-12, the node's default) -> Linear
    h = layer_norm(gelu(linear(h, P["head.0.weight"], P["head.0.bias"])), P, "head.2.", 1e-12)
    logits = linear(h, P["head.3.weight"], P["head.3.bias"])
    return F.cross_entropy(logits, batch["label.value"])


def clip_loss(P, batch):
    # encoder.patch_embed: conv with kernel = stride = 16, no bias; [class + pos0 ; patches + pos1..]
    px = batch["preprocess.pixel_values"]
    patches = F.conv2d(px, P["patch_embed.patch_embedding.weight"], stride=16).flatten(2).transpose(1, 2)
    pos = P["patch_embed.position_embedding.weight"]
    cls = (P["patch_embed.class_embedding"] + pos[0]).reshape(1, 1, -1).expand(px.shape[0], 1, -1)
    tokens = torch.cat([cls, patches + pos[1:]], dim=1)
    v = transformer(tokens, P, "vision_encoder.", 2, 2, causal=False, pre_norm=True, final_norm=False)
    image = layer_norm(v[:, 0], P, "vision_post_ln.", 1e-5)  # pool.cls index 0, then layer.layer_norm
    # encoder.token_embed without LayerNorm or segments; pool.end_token at the first argmax id.
    ids = batch["tokenize.ids"]
    x = P["text_embed.word_embeddings.weight"][ids] + P["text_embed.position_embeddings.weight"][: ids.shape[1]]
    x = transformer(x, P, "text_encoder.", 2, 2, causal=True, pre_norm=False, final_norm=True)
    text = x[torch.arange(ids.shape[0]), ids.argmax(dim=-1)]
    # head.similarity: normalise by max(||x||, 1e-12), scale min(exp(s), max_scale = 100)
    ie = linear(image, P["similarity.visual_projection.weight"])
    te = linear(text, P["similarity.text_projection.weight"])
    ie = ie / ie.norm(dim=-1, keepdim=True).clamp_min(1e-12)
    te = te / te.norm(dim=-1, keepdim=True).clamp_min(1e-12)
    logits = (ie @ te.t()) * torch.clamp(torch.exp(P["similarity.logit_scale"]), max=100.0)
    # loss.contrastive: symmetric InfoNCE, pair i on the diagonal
    target = torch.arange(logits.shape[0])
    return (F.cross_entropy(logits, target) + F.cross_entropy(logits.t(), target)) * 0.5


GRAPHS = {"late_fusion": late_fusion_loss, "clip": clip_loss}

# Batch tensors the test feeds TrainProgram (the raw inputs) or checks its host steps against.
COMMITTED = {"late_fusion": ["text.value", "image.value", "label.value"], "clip": ["image.pixels", "tokenize.ids"]}


def frozen(name, config):
    """TrainConfig.freeze as packages/compiler/src/train/patterns.ts reads it: `*` is any run of characters."""
    return any(re.fullmatch(".*".join(re.escape(part) for part in p.split("*")), name) for p in config.get("freeze", []))


def run(loss_fn, init, names, batches, config):
    P = {k: torch.tensor(v) for k, v in init.items()}
    params = [P[n].requires_grad_() for n in names if not frozen(n, config)]
    o = config["optimizer"]
    if o["kind"] == "sgd":
        opt = torch.optim.SGD(params, lr=o["lr"], momentum=o["momentum"], weight_decay=o["weightDecay"], foreach=False)
    else:
        opt = torch.optim.AdamW(params, lr=o["lr"], weight_decay=o["weightDecay"], foreach=False)
    # The lambda of packages/compiler/src/train/schedule.ts with warm-up only: min(1, (s + 1) / W).
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / WARMUP))
    losses, norms, lrs, snaps = [], [], [], {}
    for step in range(1, STEPS + 1):
        batch = batches[(step - 1) % len(batches)]
        opt.zero_grad()
        loss = loss_fn(P, batch)
        loss.backward()
        norms.append(float(torch.nn.utils.clip_grad_norm_(params, max_norm=config["clipNorm"])))
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
        losses.append(float(loss))
        if step in (1, STEPS):
            snaps[step] = {n: P[n].detach().numpy().copy() for n in names}
    return losses, norms, lrs, snaps


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "/tmp/modalflow-training-parity"
    out_dir = os.path.join(HERE, "fixtures")
    os.makedirs(out_dir, exist_ok=True)
    torch.set_num_threads(1)
    for graph, loss_fn in GRAPHS.items():
        inputs, meta = read_safetensors(os.path.join(src, f"{graph}.inputs.safetensors"))
        names = json.loads(meta["params"])
        init = {n: inputs["init." + n] for n in names}
        # A digest of the initial weights in parameter order: the test checks ModalFlow's seeded
        # initialisation still gives exactly these, else the fixtures describe another start.
        digest = hashlib.sha256(b"".join(init[n].astype("<f4").tobytes() for n in names)).hexdigest()
        count = int(meta["batches"])
        batches = [{k.split(".", 2)[2]: torch.tensor(v) for k, v in inputs.items() if k.startswith(f"batch.{b}.")} for b in range(count)]
        tensors = {}
        for b in range(count):
            for key in COMMITTED[graph]:
                tensors[f"batch.{b}.{key}"] = inputs[f"batch.{b}.{key}"]
        # Gradients at the initial weights on batch 0, in float64: a 20-step run hides small
        # gradient errors (AdamW ignores a uniform scale of a tensor's gradient; a 1% error in a
        # LayerNorm weight's gradient moves SGD's weights by less than 1e-4), this does not.
        P64 = {n: torch.tensor(init[n].astype(np.float64)).requires_grad_() for n in names}
        b64 = {k: v.double() if v.is_floating_point() else v for k, v in batches[0].items()}
        loss64 = loss_fn(P64, b64)
        loss64.backward()
        tensors["grad.loss"] = np.array(float(loss64), dtype=np.float32)
        for n in names:
            g = P64[n].grad.numpy().astype(np.float32)
            tensors[f"grad.{n}"] = g.reshape(-1)[sample_index(g.size)]
        for opt_name, config in CONFIGS.items():
            losses, norms, lrs, snaps = run(loss_fn, init, names, batches, config)
            tensors[f"{opt_name}.loss"] = np.array(losses, dtype=np.float32)
            tensors[f"{opt_name}.grad_norm"] = np.array(norms, dtype=np.float32)
            tensors[f"{opt_name}.lr"] = np.array(lrs, dtype=np.float32)
            for step, weights in snaps.items():
                for n, w in weights.items():
                    tensors[f"{opt_name}.step{step}.{n}"] = w.reshape(-1)[sample_index(w.size)]
            print(f"{graph} {opt_name}: loss {losses[0]:.6f} -> {losses[-1]:.6f}")
        fixture_meta = {
            "graph": meta["graph"],
            "params": meta["params"],
            "batches": str(count),
            "steps": str(STEPS),
            "sample_cap": str(SAMPLE_CAP),
            "configs": json.dumps(CONFIGS),
            "init_sha256": digest,
            "torch": torch.__version__,
        }
        for k, v in meta.items():
            if k.startswith("raw.") and k.endswith(".text"):
                fixture_meta[k] = v
        path = os.path.join(out_dir, f"{graph}.safetensors")
        write_safetensors(path, tensors, fixture_meta)
        print(f"wrote {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
