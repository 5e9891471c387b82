"""Parity fixture for examples/lxmert/tiny.json from the authors' LXMERT code.

Usage: /usr/bin/python3 examples/lxmert/parity/make_fixtures.py <checkout of airsplay/lxmert>

Builds `src/lxrt/modeling.py`'s LXRTPretraining (masked LM, matching, object prediction with the
obj / attr / feat decoders, and QA) at the tiny graph's configuration: width 32, 2 heads, FFN 64,
2 language, 1 object and 1 cross-modality layer, 16-d region features, vocabulary 81, 3129
answers; fills every parameter with seeded noise and runs it on two questions and four regions.
Writes examples/lxmert/parity/fixture.safetensors.

Shim: `lxrt/file_utils.py` imports boto3, requests and tqdm to download pretrained weights; the
script registers an empty `lxrt.file_utils` (its `cached_path` raises) before importing
`modeling.py`, which uses it only in `from_pretrained`. The layer sizes are set through the
module's own `VISUAL_CONFIG`, as `entry.py` does.

Outputs: `mlm_logits` (cls.predictions), `matching` (cls.seq_relationship), `answers` (softmax of
`answer_head`, as the graph's output), `region_features` (decoder_dict.feat), and the losses the
reference computes the same way as the graph: `loss_mlm` and `loss_qa` (mean cross-entropy over
the labelled tokens / questions). The reference scales its object losses by mask confidence over
all regions and by 1/0.15, where the graph averages over the masked regions, so those three are
not compared.
"""
import json
import os
import re
import sys
import types

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "test", "parity"))
from reference_fixture import load_module, metadata, randomize, state_dict_items, state_tensors, write_key_list, write_safetensors  # noqa: E402

QUESTIONS = ["what color is the dog ?", "how many people are sitting on the grass ?"]
VOCAB = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]",
    "a", "an", "the", "is", "are", "of", "on", "in", "with", "and", "to", "at", "near",
    "what", "how", "many", "which", "where", "who", "does", "do", "there", "this", "that", "it", "yes", "no",
    "color", "red", "blue", "green", "yellow", "white", "black", "brown",
    "one", "two", "three", "four", "small", "big", "left", "right",
    "man", "woman", "person", "people", "child", "dog", "cat", "bird", "horse", "car", "bus", "bike",
    "table", "tree", "street", "grass", "water", "sky", "ball", "photo", "picture",
    "sitting", "standing", "holding", "playing", "eating", "riding", "running",
    "?", ".", ",", "!", "'", "s",
]


def tokenize(texts, max_length):
    ids = np.zeros((len(texts), max_length), dtype=np.int64)
    for b, text in enumerate(texts):
        words = ["[CLS]"] + text.lower().split() + ["[SEP]"]
        ids[b, : len(words)] = [VOCAB.index(w) for w in words]
    return ids


def write_full_size_keys(modeling):
    """Key lists of LXMERT-base (9 language, 5 object, 5 cross-modality layers, 2048-d regions,
    3129 answers, all three object decoders), the checkpoint examples/lxmert/graph.json loads.
    Hugging Face's LxmertForPreTraining (unc-nlp/lxmert-base-uncased) is a port with the same
    module tree under `lxmert.` instead of `bert.` (modeling_lxmert.py), so its list is derived
    by that rename."""
    vc = modeling.VISUAL_CONFIG
    saved = (vc.l_layers, vc.x_layers, vc.r_layers, vc.visual_feat_dim, vc.visual_pos_dim, dict(vc.visual_loss_config))
    vc.l_layers, vc.x_layers, vc.r_layers = 9, 5, 5
    vc.set_visual_dims(2048, 4)
    vc.visual_loss_config["feat"] = (2048, "l2", (-1, 2048), 1 / 0.15)
    full = modeling.LXRTPretraining(modeling.BertConfig(30522), visual_losses="obj,attr,feat", num_answers=3129)
    items = state_dict_items(full)
    keys = os.path.join(HERE, "..", "weights-maps", "keys")
    write_key_list(os.path.join(keys, "airsplay.json"), items, "airsplay/lxmert src/lxrt/modeling.py LXRTPretraining, LXMERT-base, obj,attr,feat, 3129 answers")
    write_key_list(os.path.join(keys, "hf.json"), [(re.sub(r"^bert\.", "lxmert.", k), d, sh) for k, d, sh in items],
                   "transformers LxmertForPreTraining (unc-nlp/lxmert-base-uncased): the airsplay names with lxmert. for bert.")
    vc.l_layers, vc.x_layers, vc.r_layers, vc.visual_feat_dim, vc.visual_pos_dim, cfg = saved
    vc.visual_loss_config.clear()
    vc.visual_loss_config.update(cfg)
    del full


def main():
    checkout = sys.argv[1]
    lxrt_dir = os.path.join(checkout, "src", "lxrt")
    package = types.ModuleType("lxrt")
    package.__path__ = [lxrt_dir]
    sys.modules["lxrt"] = package
    file_utils = types.ModuleType("lxrt.file_utils")

    def cached_path(*_args, **_kwargs):
        raise RuntimeError("downloads are not part of the parity fixture")

    file_utils.cached_path = cached_path
    sys.modules["lxrt.file_utils"] = file_utils
    modeling = load_module("lxrt.modeling", os.path.join(lxrt_dir, "modeling.py"))

    write_full_size_keys(modeling)
    graph = json.load(open(os.path.join(HERE, "..", "tiny.json")))
    nodes = {n["id"]: n["params"] for n in graph["nodes"]}
    assert len(VOCAB) == nodes["text_embed"]["vocab"]
    lang, obj, cross = nodes["language_layers"], nodes["object_layers"], nodes["cross_layers"]
    n_regions, feat_dim = nodes["regions"]["num_regions"], nodes["regions"]["feature_dim"]
    n_answers = nodes["qa_head"]["classes"]
    vc = modeling.VISUAL_CONFIG
    vc.l_layers, vc.x_layers, vc.r_layers = lang["layers"], cross["layers"], obj["layers"]
    vc.set_visual_dims(feat_dim, 4)
    vc.visual_loss_config["feat"] = (feat_dim, "l2", (-1, feat_dim), 1 / 0.15)
    config = modeling.BertConfig(
        nodes["text_embed"]["vocab"], hidden_size=lang["dim"], num_hidden_layers=lang["layers"],
        num_attention_heads=lang["heads"], intermediate_size=lang["mlp_dim"],
        max_position_embeddings=nodes["text_embed"]["max_positions"], type_vocab_size=nodes["text_embed"]["type_vocab"],
    )
    torch.manual_seed(0)
    model = modeling.LXRTPretraining(config, visual_losses="obj,attr,feat", num_answers=n_answers)
    randomize(model, seed=3)
    model.eval()

    max_length = nodes["tokenize"]["max_length"]
    ids = tokenize(QUESTIONS, max_length)
    mask = (ids != 0).astype(np.int64)
    rng = np.random.default_rng(4)
    B = len(QUESTIONS)
    features = rng.standard_normal((B, n_regions, feat_dim)).astype(np.float32)
    corners = rng.uniform(0, 1, (B, n_regions, 4)).astype(np.float32)
    boxes = np.concatenate([np.minimum(corners[..., :2], corners[..., 2:]), np.maximum(corners[..., :2], corners[..., 2:])], -1)
    mlm_labels = np.full((B, max_length), -1, dtype=np.int64)
    mlm_labels[0, 3], mlm_labels[1, 2], mlm_labels[1, 5] = 31, 19, 69
    answer_labels = np.array([7, 2001], dtype=np.int64)

    t = torch.from_numpy
    with torch.no_grad():
        (lang_out, visn_out), pooled = model.bert(t(ids), torch.zeros_like(t(ids)), t(mask), visual_feats=(t(features), t(boxes)))
        mlm_logits, matching = model.cls(lang_out, pooled)
        answer_score = model.answer_head(pooled)
        region = model.obj_predict_head(visn_out)
        _, losses, _ = model(t(ids), torch.zeros_like(t(ids)), t(mask), masked_lm_labels=t(mlm_labels),
                             visual_feats=t(features), pos=t(boxes), ans=t(answer_labels))
    # losses holds, in order, the masked-LM and the QA loss (no matching or object labels given).
    tensors = state_tensors(model)
    graph_mlm_labels = np.where(mlm_labels < 0, -100, mlm_labels)
    tensors.update({
        "input.ids": ids,
        "input.regions.features": features,
        "input.regions.boxes": boxes,
        "input.mlm_labels": graph_mlm_labels,
        "input.answer_labels": answer_labels,
        "output.mlm_logits": mlm_logits.numpy(),
        "output.matching": matching.numpy(),
        "output.answers": F.softmax(answer_score, -1).numpy(),
        "output.region_features": region["feat"].numpy(),
        "output.loss_mlm": losses[0, 0].reshape([]).numpy(),
        "output.loss_qa": losses[0, 1].reshape([]).numpy(),
    })
    meta = metadata("airsplay/lxmert", checkout, dict(config.to_dict(), l_layers=vc.l_layers, x_layers=vc.x_layers, r_layers=vc.r_layers,
                                                       visual_feat_dim=feat_dim, num_answers=n_answers),
                    {"questions": json.dumps(QUESTIONS)})
    write_safetensors(os.path.join(HERE, "fixture.safetensors"), tensors, meta)
    print("wrote", os.path.join(HERE, "fixture.safetensors"), "with", len(tensors), "tensors")


if __name__ == "__main__":
    main()
