"""Writes the key lists of GPT-2 small checkpoints (names, dtypes, shapes) that
test/src/weights-maps.test.ts passes through ../gpt2.json. Written from the module tree of
transformers' modeling_gpt2.py (GPT2LMHeadModel, config gpt2: vocab 50257, 1024 positions,
width 768, 12 layers, 12 heads, inner 3072); no checkpoint is downloaded.
Usage: /usr/bin/python3 make_gpt2_keys.py (from this folder)."""
import json

V, P, D, L, INNER = 50257, 1024, 768, 12, 3072


def gpt2(prefix, cross=False, mask_buffers=True, lm_head=True):
    keys = {f"{prefix}wte.weight": [V, D], f"{prefix}wpe.weight": [P, D]}
    for n in range(L):
        h = f"{prefix}h.{n}."
        keys[h + "ln_1.weight"] = [D]
        keys[h + "ln_1.bias"] = [D]
        if mask_buffers:
            # Saved by transformers before the causal mask became a non-persistent buffer.
            keys[h + "attn.bias"] = [1, 1, P, P]
            keys[h + "attn.masked_bias"] = []
        keys[h + "attn.c_attn.weight"] = [D, 3 * D]  # Conv1D: [in, out]
        keys[h + "attn.c_attn.bias"] = [3 * D]
        keys[h + "attn.c_proj.weight"] = [D, D]
        keys[h + "attn.c_proj.bias"] = [D]
        if cross:
            keys[h + "crossattention.c_attn.weight"] = [D, 2 * D]
            keys[h + "crossattention.c_attn.bias"] = [2 * D]
            keys[h + "crossattention.q_attn.weight"] = [D, D]
            keys[h + "crossattention.q_attn.bias"] = [D]
            keys[h + "crossattention.c_proj.weight"] = [D, D]
            keys[h + "crossattention.c_proj.bias"] = [D]
            keys[h + "ln_cross_attn.weight"] = [D]
            keys[h + "ln_cross_attn.bias"] = [D]
        keys[h + "ln_2.weight"] = [D]
        keys[h + "ln_2.bias"] = [D]
        keys[h + "mlp.c_fc.weight"] = [D, INNER]
        keys[h + "mlp.c_fc.bias"] = [INNER]
        keys[h + "mlp.c_proj.weight"] = [INNER, D]
        keys[h + "mlp.c_proj.bias"] = [D]
    keys[f"{prefix}ln_f.weight"] = [D]
    keys[f"{prefix}ln_f.bias"] = [D]
    if lm_head:
        keys["lm_head.weight"] = [V, D]  # tied to wte; state_dict() lists it under both names
    return {k: ["float32", v] for k, v in keys.items()}


LISTS = {
    "gpt2.json": ("transformers GPT2LMHeadModel, config gpt2 (module tree of modeling_gpt2.py), state_dict() with the causal-mask buffers older versions saved",
                  gpt2("transformer.")),
    "gpt2-cross.json": ("transformers GPT2LMHeadModel, config gpt2 with add_cross_attention=True (the decoder of VisionEncoderDecoderModel ViT-GPT2 captioners), module tree of modeling_gpt2.py",
                        gpt2("transformer.", cross=True, mask_buffers=False)),
    "gpt2-base.json": ("transformers GPT2Model, config gpt2, as the original gpt2 checkpoint file holds it: keys without the transformer. prefix, no lm_head",
                       gpt2("", lm_head=False)),
}
for name, (source, keys) in LISTS.items():
    with open(name, "w") as f:
        json.dump({"source": source, "keys": keys}, f, indent=0)
        f.write("\n")
