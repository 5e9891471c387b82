"""Parity fixture for examples/clip/tiny.json from OpenAI's own CLIP code.

Usage: /usr/bin/python3 examples/clip/parity/make_fixtures.py <checkout of openai/CLIP>

Builds `clip/model.py`'s CLIP at the tiny graph's configuration (vision: 32x32 pictures, patch
16, width 32, 2 layers, 2 heads; text: vocabulary 40, context 16, width 24, 2 layers, 2 heads;
embedding 16), fills every parameter with seeded noise, and runs it on three pictures and three
captions. Writes examples/clip/parity/fixture.safetensors.

Two things differ from calling `clip.load`: `clip/model.py` is imported by path (the package's
__init__ imports torchvision, ftfy and regex for its tokenizer and image transform, which the
model does not use), and the vision tower is `clip/model.py`'s own VisionTransformer built with 2
heads, because CLIP.__init__ derives heads as width // 64, which is 0 at width 32. The pictures
are 32x32, so the reference transform's Resize(32) and CenterCrop(32) leave them as they are;
ToTensor and Normalize (x / 255, CLIP's mean and std) are written out in numpy below. The loss
is the symmetric cross-entropy of CLIP's paper over the reference's logits (the repository
ships no loss).
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "test", "parity"))
from reference_fixture import load_module, metadata, randomize, state_dict_items, state_tensors, write_key_list, write_safetensors  # noqa: E402

MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)
CAPTIONS = ["a red square", "the blue circle on the left", "what shape is at the top ?"]


def tiny_graph():
    with open(os.path.join(HERE, "..", "tiny.json")) as f:
        return json.load(f)


def tokenize(captions, node):
    p = node["params"]
    vocab = {w: i for i, w in enumerate(p["vocabulary"])}
    out = np.full((len(captions), p["max_length"]), vocab[p["pad_token"]], dtype=np.int64)
    for b, text in enumerate(captions):
        words = [p["cls_token"]] + [w if w in vocab else p["unk_token"] for w in text.lower().split()] + [p["sep_token"]]
        out[b, : len(words)] = [vocab[w] for w in words]
    return out


def hf_keys(embed=512, vision_width=768, vision_layers=12, patch=32, resolution=224, text_width=512, text_layers=12, vocab=49408, context=77):
    """The state_dict names of Hugging Face's CLIPModel (transformers models/clip/modeling_clip.py)
    for ViT-B/32, written out from its module tree (transformers is not needed here): each
    CLIPEncoderLayer has self_attn.{q,k,v,out}_proj, layer_norm1, mlp.fc1, mlp.fc2, layer_norm2."""
    f = "float32"
    keys = [("logit_scale", f, ()), ("visual_projection.weight", f, (embed, vision_width)), ("text_projection.weight", f, (embed, text_width))]

    def tower(prefix, width, layers):
        out = []
        for i in range(layers):
            p = f"{prefix}.encoder.layers.{i}."
            for proj in ("q_proj", "k_proj", "v_proj", "out_proj"):
                out += [(p + f"self_attn.{proj}.weight", f, (width, width)), (p + f"self_attn.{proj}.bias", f, (width,))]
            out += [(p + "layer_norm1.weight", f, (width,)), (p + "layer_norm1.bias", f, (width,))]
            out += [(p + "mlp.fc1.weight", f, (4 * width, width)), (p + "mlp.fc1.bias", f, (4 * width,))]
            out += [(p + "mlp.fc2.weight", f, (width, 4 * width)), (p + "mlp.fc2.bias", f, (width,))]
            out += [(p + "layer_norm2.weight", f, (width,)), (p + "layer_norm2.bias", f, (width,))]
        return out

    keys += [("text_model.embeddings.token_embedding.weight", f, (vocab, text_width)),
             ("text_model.embeddings.position_embedding.weight", f, (context, text_width)),
             ("text_model.embeddings.position_ids", "int64", (1, context))]
    keys += tower("text_model", text_width, text_layers)
    keys += [("text_model.final_layer_norm.weight", f, (text_width,)), ("text_model.final_layer_norm.bias", f, (text_width,))]
    n = (resolution // patch) ** 2 + 1
    keys += [("vision_model.embeddings.class_embedding", f, (vision_width,)),
             ("vision_model.embeddings.patch_embedding.weight", f, (vision_width, 3, patch, patch)),
             ("vision_model.embeddings.position_embedding.weight", f, (n, vision_width)),
             ("vision_model.embeddings.position_ids", "int64", (1, n)),
             ("vision_model.pre_layrnorm.weight", f, (vision_width,)), ("vision_model.pre_layrnorm.bias", f, (vision_width,))]
    keys += tower("vision_model", vision_width, vision_layers)
    keys += [("vision_model.post_layernorm.weight", f, (vision_width,)), ("vision_model.post_layernorm.bias", f, (vision_width,))]
    return keys


def write_full_size_keys(model_py):
    """Key lists of the full-size checkpoints (ViT-B/32) that examples/clip/graph.json loads."""
    maps = os.path.join(HERE, "..", "weights-maps", "keys")
    full = model_py.CLIP(512, 224, 12, 768, 32, 77, 49408, 512, 8, 12)
    write_key_list(os.path.join(maps, "openai.json"), state_dict_items(full), "openai/CLIP clip/model.py CLIP(512, 224, 12, 768, 32, 77, 49408, 512, 8, 12) (ViT-B/32)")
    write_key_list(os.path.join(maps, "hf.json"), hf_keys(), "transformers CLIPModel, openai/clip-vit-base-patch32 (module tree of modeling_clip.py)")


def main():
    checkout = sys.argv[1]
    model_py = load_module("clip_model", os.path.join(checkout, "clip", "model.py"))
    write_full_size_keys(model_py)
    nodes = {n["id"]: n for n in tiny_graph()["nodes"]}
    pe, ve, te, sim = (nodes[k]["params"] for k in ("patch_embed", "vision_encoder", "text_encoder", "similarity"))
    tok = nodes["tokenize"]
    config = dict(
        embed_dim=sim["embed"], image_resolution=pe["image_size"], vision_layers=ve["layers"], vision_width=64,
        vision_patch_size=pe["patch"], context_length=tok["params"]["max_length"], vocab_size=len(tok["params"]["vocabulary"]),
        transformer_width=te["dim"], transformer_heads=te["heads"], transformer_layers=te["layers"],
    )
    torch.manual_seed(0)
    model = model_py.CLIP(**config)
    model.visual = model_py.VisionTransformer(
        input_resolution=pe["image_size"], patch_size=pe["patch"], width=ve["dim"], layers=ve["layers"], heads=ve["heads"], output_dim=sim["embed"]
    )
    config["vision_width"], config["vision_heads"] = ve["dim"], ve["heads"]
    randomize(model, seed=1)
    with torch.no_grad():
        model.logit_scale.fill_(float(np.float16(np.log(1 / 0.07) + 0.25)))
    model.eval()

    rng = np.random.default_rng(2)
    pixels = rng.integers(0, 256, size=(3, 32, 32, 3), dtype=np.uint8)
    image = torch.from_numpy(((pixels.astype(np.float32) / 255 - MEAN) / STD).transpose(0, 3, 1, 2).copy())
    ids = tokenize(CAPTIONS, tok)
    text = torch.from_numpy(ids)
    with torch.no_grad():
        image_features = model.encode_image(image)
        text_features = model.encode_text(text)
        logits_per_image, logits_per_text = model(image, text)
        labels = torch.arange(len(CAPTIONS))
        loss = (F.cross_entropy(logits_per_image, labels) + F.cross_entropy(logits_per_text, labels)) / 2
    tensors = state_tensors(model)
    tensors.update({
        "input.image": pixels,
        "input.ids": ids,
        "output.logits_per_image": logits_per_image.numpy(),
        "output.logits_per_text": logits_per_text.numpy(),
        "output.image_embeds": F.normalize(image_features, dim=-1).numpy(),
        "output.text_embeds": F.normalize(text_features, dim=-1).numpy(),
        "output.loss": loss.reshape([]).numpy(),
    })
    meta = metadata("openai/CLIP", checkout, config, {"captions": json.dumps(CAPTIONS)})
    write_safetensors(os.path.join(HERE, "fixture.safetensors"), tensors, meta)
    print("wrote", os.path.join(HERE, "fixture.safetensors"), "with", len(tensors), "tensors")


if __name__ == "__main__":
    main()
