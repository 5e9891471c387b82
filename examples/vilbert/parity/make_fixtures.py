"""Parity fixture for examples/vilbert/tiny.json from the authors' ViLBERT code.

Usage: /usr/bin/python3 examples/vilbert/parity/make_fixtures.py <checkout of facebookresearch/vilbert-multi-task>

Builds `vilbert/vilbert.py`'s VILBertForVLTasks at the tiny graph's configuration (text width
32, 2 heads, FFN 64, 7 text layers; image width 48, 2 heads, FFN 48, 6 image layers; co-attention
width 32, 2 heads, after text layers 1..6 and image layers 0..5; 16-d region features, vocabulary
81), fills every parameter with seeded noise, and runs it on two questions and five regions.
Writes examples/vilbert/parity/fixture.safetensors.

Shims: `vilbert/utils.py` imports boto3, requests, botocore, tqdm and tensorboardX for downloads
and logging; the script registers empty modules under those names (with the names utils.py
imports) before importing it. apex is absent, so vilbert.py uses its own BertLayerNorm.

Outputs: `mlm_logits` (cls.predictions), `region_logits` (cls.imagePredictions),
`alignment` (cls.bi_seq_relationship on the product of the pooled streams), `answers` (sigmoid
of vil_prediction), and `loss_mlm` as BertForMultiModalPreTraining computes it
(CrossEntropyLoss(ignore_index=-1) over the masked words). The task heads the graph does not
have (vil_prediction_gqa, vil_binary_prediction, vil_logit, vil_tri_prediction, vision_logit,
linguisic_logit) are listed with their shapes in the metadata (`omitted`) instead of stored, to
keep the file small; the test feeds stand-ins for them so that the map's rules for them run.
For the same reason the two largest matrices (vil_prediction.logit_fc.3.weight [3129, 64] and
cls.imagePredictions.decoder.weight [1601, 48]) are set to `lcg_values` before the run and
listed under `generated` (shape and seed); the test rebuilds them bit for bit.
"""
import json
import os
import sys
import types

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "test", "parity"))
from reference_fixture import load_module, metadata, randomize, regenerate, state_dict_items, state_tensors, write_key_list, write_safetensors  # noqa: E402

QUESTIONS = ["what color is the dog ?", "is the man riding a horse ?"]
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
UNUSED_HEADS = ("vil_prediction_gqa.", "vil_binary_prediction.", "vil_logit.", "vil_tri_prediction.", "vision_logit.", "linguisic_logit.")


def stub_modules():
    stubs = {
        "boto3": {}, "requests": {}, "botocore": {}, "botocore.exceptions": {"ClientError": Exception},
        "tqdm": {"tqdm": None}, "tensorboardX": {"SummaryWriter": None},
    }
    for name, attrs in stubs.items():
        if name in sys.modules:
            continue
        module = types.ModuleType(name)
        for k, v in attrs.items():
            setattr(module, k, v)
        sys.modules[name] = module


def write_full_size_keys(vilbert, checkout):
    """Key list of ViLBERT multi-task (config/bert_base_6layer_6conect.json, VILBertForVLTasks with
    all its task heads), the checkpoint examples/vilbert/graph.json loads."""
    config = vilbert.BertConfig.from_json_file(os.path.join(checkout, "config", "bert_base_6layer_6conect.json"))
    items = state_dict_items(vilbert.VILBertForVLTasks(config, num_labels=3129))
    write_key_list(os.path.join(HERE, "..", "weights-maps", "keys", "vilbert.json"), items,
                   "facebookresearch/vilbert-multi-task VILBertForVLTasks, config/bert_base_6layer_6conect.json")


def main():
    checkout = sys.argv[1]
    stub_modules()
    package = types.ModuleType("vilbert")
    package.__path__ = [os.path.join(checkout, "vilbert")]
    sys.modules["vilbert"] = package
    load_module("vilbert.utils", os.path.join(checkout, "vilbert", "utils.py"))
    vilbert = load_module("vilbert.vilbert", os.path.join(checkout, "vilbert", "vilbert.py"))

    write_full_size_keys(vilbert, checkout)
    graph = json.load(open(os.path.join(HERE, "..", "tiny.json")))
    nodes = {n["id"]: n for n in graph["nodes"]}
    block = graph["blocks"]["co_layer"]["nodes"]
    co, text, vision = ({n["id"]: n["params"] for n in block}[k] for k in ("co", "text", "vision"))
    co_layers = sorted((n["params"] for n in graph["nodes"] if n["type"] == "block:co_layer"), key=lambda p: p["image_layer"])
    te, regions = nodes["text_embed"]["params"], nodes["regions"]["params"]
    assert len(VOCAB) == te["vocab"]
    config = vilbert.BertConfig(
        te["vocab"], hidden_size=text["dim"], num_hidden_layers=1 + len(co_layers), num_attention_heads=text["heads"],
        intermediate_size=text["mlp_dim"], max_position_embeddings=te["max_positions"], type_vocab_size=te["type_vocab"],
        v_feature_size=regions["feature_dim"], v_target_size=nodes["region_head"]["params"]["features"],
        v_hidden_size=vision["dim"], v_num_hidden_layers=len(co_layers), v_num_attention_heads=vision["heads"],
        v_intermediate_size=vision["mlp_dim"], bi_hidden_size=co["dim"], bi_num_attention_heads=co["heads"],
        v_biattention_id=[p["image_layer"] for p in co_layers], t_biattention_id=[p["text_layer"] for p in co_layers],
    )
    torch.manual_seed(0)
    model = vilbert.VILBertForVLTasks(config, num_labels=nodes["vqa_head"]["params"]["classes"])
    randomize(model, seed=8)
    generated = regenerate(model, ["vil_prediction.logit_fc.3.weight", "cls.imagePredictions.decoder.weight"], seed=11)
    model.eval()

    B, T, N = len(QUESTIONS), nodes["tokenize"]["params"]["max_length"], regions["num_regions"]
    ids = np.zeros((B, T), dtype=np.int64)
    for b, q in enumerate(QUESTIONS):
        words = ["[CLS]"] + q.split() + ["[SEP]"]
        ids[b, : len(words)] = [VOCAB.index(w) for w in words]
    mask = (ids != 0).astype(np.int64)
    rng = np.random.default_rng(9)
    features = rng.standard_normal((B, N, regions["feature_dim"])).astype(np.float32)
    corners = rng.uniform(0, 1, (B, N, 4)).astype(np.float32)
    boxes = np.concatenate([np.minimum(corners[..., :2], corners[..., 2:]), np.maximum(corners[..., :2], corners[..., 2:])], -1)
    loc5 = np.concatenate([boxes, ((boxes[..., 2] - boxes[..., 0]) * (boxes[..., 3] - boxes[..., 1]))[..., None]], -1).astype(np.float32)
    mlm_labels = np.full((B, T), -1, dtype=np.int64)
    mlm_labels[0, 2], mlm_labels[1, 3] = VOCAB.index("color"), VOCAB.index("man")

    t = torch.from_numpy
    with torch.no_grad():
        out = model(t(ids), t(features), t(loc5), torch.zeros_like(t(ids)), t(mask), torch.ones(B, N, dtype=torch.long))
        vil_prediction, vision_prediction, linguisic_prediction = out[0], out[5], out[7]
        seq_t, seq_v, pooled_t, pooled_v, _ = model.bert(t(ids), t(features), t(loc5), torch.zeros_like(t(ids)), t(mask))
        alignment = model.cls.bi_seq_relationship(pooled_t * pooled_v)
        loss_mlm = torch.nn.CrossEntropyLoss(ignore_index=-1)(linguisic_prediction.view(-1, config.vocab_size), t(mlm_labels).view(-1))

    state = state_tensors(model)
    omitted = {k[len("state."):]: list(v.shape) for k, v in state.items() if k[len("state."):].startswith(UNUSED_HEADS)}
    tensors = {k: v for k, v in state.items() if k[len("state."):] not in omitted and k[len("state."):] not in generated}
    tensors.update({
        "input.ids": ids,
        "input.regions.features": features,
        "input.regions.boxes": boxes,
        "input.mlm_labels": mlm_labels,
        "output.mlm_logits": linguisic_prediction.numpy(),
        "output.region_logits": vision_prediction.numpy(),
        "output.alignment": alignment.numpy(),
        "output.answers": torch.sigmoid(vil_prediction).numpy(),
        "output.loss_mlm": loss_mlm.reshape([]).numpy(),
    })
    cfg = {k: v for k, v in config.__dict__.items() if isinstance(v, (int, float, str, list, bool))}
    meta = metadata("facebookresearch/vilbert-multi-task", checkout, cfg,
                    {"questions": json.dumps(QUESTIONS), "omitted": json.dumps(omitted), "generated": json.dumps(generated)})
    write_safetensors(os.path.join(HERE, "fixture.safetensors"), tensors, meta)
    print("wrote", os.path.join(HERE, "fixture.safetensors"), "with", len(tensors), "tensors")


if __name__ == "__main__":
    main()
