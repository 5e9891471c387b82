"""Parity fixture for examples/albef/tiny.json from the authors' ALBEF code.

Usage: /usr/bin/python3 examples/albef/parity/make_fixtures.py <checkout of salesforce/ALBEF>

Builds `models/model_pretrain.py`'s ALBEF (ViT from models/vit.py, BERT with cross-attention
from models/xbert.py, ITC projections and temperature, ITM head, MLM head) at the tiny graph's
configuration: 32x32 pictures, patch 16, ViT width 32, 2 layers, 2 heads, MLP 64; BERT width 32,
2 heads, FFN 64, 1 text layer and 2 fusion layers (fusion_layer 1), vocabulary 34, embedding 16.
Fills every parameter with seeded noise and runs three pictures and three captions. Writes
examples/albef/parity/fixture.safetensors.

Shims (parity/shims.py): transformers and timm are not installed; their plumbing that xbert.py
and vit.py import is replaced (see that file). `init_deit=False` skips the DeiT download, and
ALBEF.__init__'s hard-coded ViT-B/16 sizes are replaced by the tiny ones through the
`VisionTransformer` name model_pretrain.py looks up.

The outputs are computed as ALBEF.forward computes them, with what the graph does not model
left out: the contrastive logits are in-batch (`image_feat @ text_feat.T / temp`, the first
columns of ALBEF's `sim_i2t`, without the momentum queue) and the contrastive loss is its
(i2t + t2i) / 2 with alpha = 0; ITM scores the given (positive) pairs through the fusion layers
(`mode='fusion'`, as ALBEF's `output_pos`); MLM runs `text_encoder` (`mode='multi_modal'`) on the
ids as given, with the labels, as ALBEF does after masking them.
"""
import json
import os
import sys
from functools import partial

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "test", "parity"))
sys.path.insert(0, HERE)
from reference_fixture import metadata, randomize, state_dict_items, state_tensors, write_key_list, write_safetensors  # noqa: E402
import shims  # noqa: E402

MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)
CAPTIONS = ["a dog playing in the snow", "a man riding a horse on the street", "two red car"]


def build(model_pretrain, vit, bert_json, vit_size, image_res, embed_dim, queue_size):
    real = vit.VisionTransformer
    model_pretrain.VisionTransformer = lambda **kw: real(**dict(kw, **vit_size))
    try:
        config = {"mlm_probability": 0.15, "embed_dim": embed_dim, "image_res": image_res, "vision_width": vit_size["embed_dim"],
                  "bert_config": bert_json, "temp": 0.07, "queue_size": queue_size, "momentum": 0.995}
        return model_pretrain.ALBEF(text_encoder="bert-base-uncased", tokenizer=None, config=config, init_deit=False)
    finally:
        model_pretrain.VisionTransformer = real


def main():
    checkout = sys.argv[1]
    shims.install()
    sys.path.insert(0, checkout)
    import models.model_pretrain as model_pretrain  # noqa: E402
    import models.vit as vit  # noqa: E402

    # Full size (ALBEF pretraining: ViT-B/16 at 256, BERT-base with fusion from layer 6) for the key list.
    full = build(model_pretrain, vit, os.path.join(checkout, "configs", "config_bert.json"),
                 dict(embed_dim=768, depth=12, num_heads=12, mlp_ratio=4), 256, 256, 65536)
    write_key_list(os.path.join(HERE, "..", "weights-maps", "keys", "albef.json"), state_dict_items(full),
                   "salesforce/ALBEF models/model_pretrain.py ALBEF, configs/Pretrain.yaml and configs/config_bert.json")
    del full

    graph = json.load(open(os.path.join(HERE, "..", "tiny.json")))
    nodes = {n["id"]: n["params"] for n in graph["nodes"]}
    pe, vt, te, fu, tok = (nodes[k] for k in ("patch_embed", "vit", "text_encoder", "fusion", "tokenize"))
    bert = {"hidden_size": te["dim"], "num_attention_heads": te["heads"], "intermediate_size": te["mlp_dim"],
            "num_hidden_layers": te["layers"] + fu["layers"], "fusion_layer": te["layers"], "encoder_width": vt["dim"],
            "vocab_size": len(tok["vocabulary"]), "max_position_embeddings": nodes["text_embed"]["max_positions"],
            "type_vocab_size": 2, "layer_norm_eps": 1e-12, "hidden_act": "gelu", "pad_token_id": 0}
    bert_json = os.path.join("/tmp", "albef-parity-bert.json")
    with open(bert_json, "w") as f:
        json.dump(bert, f)
    vit_size = dict(embed_dim=vt["dim"], depth=vt["layers"], num_heads=vt["heads"], mlp_ratio=vt["mlp_dim"] / vt["dim"])
    torch.manual_seed(0)
    model = build(model_pretrain, vit, bert_json, vit_size, pe["image_size"], nodes["itc"]["embed"], 8)
    randomize(model, seed=12)
    with torch.no_grad():
        model.temp.fill_(0.0625)
    model.eval()

    vocab = {w: i for i, w in enumerate(tok["vocabulary"])}
    B, T = len(CAPTIONS), tok["max_length"]
    ids = np.zeros((B, T), dtype=np.int64)
    for b, text in enumerate(CAPTIONS):
        words = ["[CLS]"] + [w if w in vocab else "[UNK]" for w in text.split()] + ["[SEP]"]
        ids[b, : len(words)] = [vocab[w] for w in words]
    mask = (ids != 0).astype(np.int64)
    rng = np.random.default_rng(13)
    pixels = rng.integers(0, 256, size=(B, 32, 32, 3), dtype=np.uint8)
    image = torch.from_numpy(((pixels.astype(np.float32) / 255 - MEAN) / STD).transpose(0, 3, 1, 2).copy())
    mlm_labels = np.full((B, T), -100, dtype=np.int64)
    mlm_labels[0, 2], mlm_labels[1, 5], mlm_labels[2, 1] = vocab["playing"], vocab["horse"], vocab["two"]

    t = torch.from_numpy
    with torch.no_grad():
        model.temp.clamp_(0.001, 0.5)
        image_embeds = model.visual_encoder(image)
        image_atts = torch.ones(image_embeds.size()[:-1], dtype=torch.long)
        image_feat = F.normalize(model.vision_proj(image_embeds[:, 0, :]), dim=-1)
        text_output = model.text_encoder.bert(t(ids), attention_mask=t(mask), return_dict=True, mode="text")
        text_embeds = text_output.last_hidden_state
        text_feat = F.normalize(model.text_proj(text_embeds[:, 0, :]), dim=-1)
        sim_i2t = image_feat @ text_feat.t() / model.temp
        sim_t2i = text_feat @ image_feat.t() / model.temp
        targets = torch.eye(B)
        loss_ita = (-torch.sum(F.log_softmax(sim_i2t, dim=1) * targets, dim=1).mean()
                    - torch.sum(F.log_softmax(sim_t2i, dim=1) * targets, dim=1).mean()) / 2
        output_pos = model.text_encoder.bert(encoder_embeds=text_embeds, attention_mask=t(mask), encoder_hidden_states=image_embeds,
                                             encoder_attention_mask=image_atts, return_dict=True, mode="fusion")
        itm_logits = model.itm_head(output_pos.last_hidden_state[:, 0, :])
        mlm = model.text_encoder(t(ids), attention_mask=t(mask), encoder_hidden_states=image_embeds, encoder_attention_mask=image_atts,
                                 return_dict=True, labels=t(mlm_labels))

    state = state_tensors(model)
    keep = {k: v for k, v in state.items() if not k.startswith(("state.visual_encoder_m.", "state.text_encoder_m.", "state.vision_proj_m.",
                                                                 "state.text_proj_m.", "state.image_queue", "state.text_queue", "state.queue_ptr"))}
    momentum = {k[len("state."):]: [str(v.dtype), list(v.shape)] for k, v in state.items() if k not in keep}
    keep.update({
        "input.image": pixels,
        "input.ids": ids,
        "input.mlm_labels": mlm_labels,
        "output.logits_per_image": sim_i2t.numpy(),
        "output.logits_per_text": sim_t2i.numpy(),
        "output.loss_itc": loss_ita.reshape([]).numpy(),
        "output.itm_logits": itm_logits.numpy(),
        "output.itm_match": F.softmax(itm_logits, -1)[:, 1].numpy(),
        "output.mlm_logits": mlm.logits.numpy(),
        "output.loss_mlm": mlm.loss.reshape([]).numpy(),
    })
    meta = metadata("salesforce/ALBEF", checkout, dict(bert, vit=vit_size, image_res=pe["image_size"], embed_dim=nodes["itc"]["embed"], queue_size=8),
                    {"captions": json.dumps(CAPTIONS), "omitted": json.dumps({k: v[1] for k, v in momentum.items()}),
                     "omitted_dtypes": json.dumps({k: v[0] for k, v in momentum.items()})})
    write_safetensors(os.path.join(HERE, "fixture.safetensors"), keep, meta)
    print("wrote", os.path.join(HERE, "fixture.safetensors"), "with", len(keep), "tensors")


if __name__ == "__main__":
    main()
