"""Parity fixture for examples/uniter/tiny.json from the authors' UNITER code.

Usage: /usr/bin/python3 examples/uniter/parity/make_fixtures.py <checkout of ChenRocks/UNITER>

Builds `model/pretrain.py`'s UniterForPretraining (MLM, MRC / MRC-kl, MRFR, ITM heads) and
`model/vqa.py`'s UniterForVisualQuestionAnswering at the tiny graph's configuration (width 32,
2 heads, FFN 128, 2 layers, 16-d region features, vocabulary 94, 1601 region classes, 3129
answers), fills every parameter with seeded noise, gives the VQA model the pretraining model's
`uniter` backbone (as fine-tuning from a pretrained checkpoint does) and runs both on two
questions and eight regions. Writes examples/uniter/parity/fixture.safetensors.

Shim: the model files import apex's FusedLayerNorm; the script registers
`apex.normalization.fused_layer_norm.FusedLayerNorm = torch.nn.LayerNorm` (the same layer norm,
without the fused CUDA kernel). `model/` has no __init__.py, so it is loaded as a namespace.

The heads are applied as the task methods of UniterForPretraining do (`forward_mlm`,
`forward_mrc`, `forward_mrfr`, `forward_itm`; UniterForVisualQuestionAnswering.forward), but
on one backbone pass with the region mask given, because the graph runs one pass for all of
them. Text and regions are laid out padded, as the graph does ([8 text positions ; 8 regions],
`gather_index` = 0..15); masked keys make that layout equal to UNITER's packed one. Losses are
reduced as the training and validation code reduces them: ITM, MLM, MRC and MRFR as `.mean()`
in pretrain.py, MRC-kl as `validate_mrc` (KL summed, over the masked regions), VQA as
train_vqa.py (`mean() * targets.size(1)`). `attention` is the last layer's attention weights,
taken with a forward hook on the nn.Softmax that UNITER's BertSelfAttention applies.
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
from reference_fixture import load_module, metadata, randomize, state_dict_items, state_tensors, write_key_list, write_safetensors  # noqa: E402

QUESTIONS = ["What color is the dog ?", "Is the man big ?"]


def shim_apex():
    for name in ("apex", "apex.normalization", "apex.normalization.fused_layer_norm"):
        sys.modules[name] = types.ModuleType(name)
    sys.modules["apex.normalization.fused_layer_norm"].FusedLayerNorm = torch.nn.LayerNorm


def write_full_size_keys(model_py, pretrain_py, vqa_py):
    """Key list of UNITER-base (BERT-base cased, vocabulary 28996, 2048-d regions, 1601 region
    classes) with its pretraining heads and the VQA head, as examples/uniter/graph.json has them:
    UniterForPretraining's state_dict plus UniterForVisualQuestionAnswering's vqa_output."""
    config = model_py.UniterConfig(28996)
    items = state_dict_items(pretrain_py.UniterForPretraining(config, 2048, 1601))
    items += [i for i in state_dict_items(vqa_py.UniterForVisualQuestionAnswering(config, 2048, 3129)) if i[0].startswith("vqa_output.")]
    write_key_list(os.path.join(HERE, "..", "weights-maps", "keys", "uniter.json"), items,
                   "ChenRocks/UNITER UniterForPretraining(UniterConfig(28996), 2048, 1601) + UniterForVisualQuestionAnswering vqa_output (3129)")


def main():
    checkout = sys.argv[1]
    shim_apex()
    package = types.ModuleType("uniter_model")
    package.__path__ = [os.path.join(checkout, "model")]
    sys.modules["uniter_model"] = package
    model_py = load_module("uniter_model.model", os.path.join(checkout, "model", "model.py"))
    pretrain_py = load_module("uniter_model.pretrain", os.path.join(checkout, "model", "pretrain.py"))
    vqa_py = load_module("uniter_model.vqa", os.path.join(checkout, "model", "vqa.py"))

    write_full_size_keys(model_py, pretrain_py, vqa_py)
    graph = json.load(open(os.path.join(HERE, "..", "tiny.json")))
    nodes = {n["id"]: n["params"] for n in graph["nodes"]}
    enc, te, tok = nodes["encoder"], nodes["text_embed"], nodes["tokenize"]
    vocab = tok["vocabulary"]
    n_regions, feat_dim = nodes["regions"]["num_regions"], nodes["regions"]["feature_dim"]
    n_labels, n_answers = nodes["mrc_head"]["classes"], nodes["vqa_head"]["classes"]
    config = model_py.UniterConfig(
        len(vocab), hidden_size=enc["dim"], num_hidden_layers=enc["layers"], num_attention_heads=enc["heads"],
        intermediate_size=enc["mlp_dim"], max_position_embeddings=te["max_positions"], type_vocab_size=2,
    )
    torch.manual_seed(0)
    pretrain = pretrain_py.UniterForPretraining(config, feat_dim, n_labels)
    vqa = vqa_py.UniterForVisualQuestionAnswering(config, feat_dim, n_answers)
    randomize(pretrain, seed=5)
    randomize(vqa, seed=6)
    vqa.uniter.load_state_dict(pretrain.uniter.state_dict())
    pretrain.eval()
    vqa.eval()

    B, T = len(QUESTIONS), tok["max_length"]
    L = T + n_regions
    ids = np.zeros((B, T), dtype=np.int64)
    for b, q in enumerate(QUESTIONS):
        words = ["[CLS]"] + q.split() + ["[SEP]"]
        ids[b, : len(words)] = [vocab.index(w) for w in words]
    text_mask = (ids != 0).astype(np.int64)
    rng = np.random.default_rng(7)
    features = rng.standard_normal((B, n_regions, feat_dim)).astype(np.float32)
    corners = rng.uniform(0, 1, (B, n_regions, 4)).astype(np.float32)
    boxes = np.concatenate([np.minimum(corners[..., :2], corners[..., 2:]), np.maximum(corners[..., :2], corners[..., 2:])], -1)
    w, h = boxes[..., 2] - boxes[..., 0], boxes[..., 3] - boxes[..., 1]
    pos7 = np.concatenate([boxes, w[..., None], h[..., None], (w * h)[..., None]], -1).astype(np.float32)
    region_mask = np.zeros((B, n_regions), dtype=np.int64)
    region_mask[0, [1, 4]] = 1
    region_mask[1, [0]] = 1
    masked_positions = np.concatenate([np.zeros((B, T), dtype=np.int64), region_mask], 1)
    mlm_targets = np.full((B, L), -1, dtype=np.int64)
    mlm_targets[0, 2], mlm_targets[1, 3] = vocab.index("color"), vocab.index("man")
    soft = rng.uniform(0, 1, (int(masked_positions.sum()), n_labels)).astype(np.float32) ** 8
    soft /= soft.sum(-1, keepdims=True)
    mrc_labels = np.argmax(soft[:, 1:], -1) + 1
    mrc_targets = np.full((B, L), -100, dtype=np.int64)
    mrc_targets[masked_positions.astype(bool)] = mrc_labels
    mrfr_targets = np.zeros((B, L, feat_dim), dtype=np.float32)
    mrfr_targets[:, T:][region_mask.astype(bool)] = features[region_mask.astype(bool)]
    vqa_targets = np.zeros((B, n_answers), dtype=np.float32)
    vqa_targets[0, [3, 17]] = [1.0, 0.3]
    vqa_targets[1, 1200] = 0.9
    match = np.array([1, 0], dtype=np.int64)

    t = torch.from_numpy
    with torch.no_grad():
        attn = t(np.concatenate([text_mask, np.ones((B, n_regions), dtype=np.int64)], 1))
        position_ids = torch.arange(T).unsqueeze(0)
        gather = torch.arange(L).unsqueeze(0).expand(B, -1).contiguous()
        # UNITER's BertSelfAttention builds a fresh nn.Softmax for its attention weights and returns
        # only the context; a global forward hook sees each one, the last being the last layer's.
        softmaxes = []
        hook = torch.nn.modules.module.register_module_forward_hook(
            lambda module, inputs, output: softmaxes.append(output) if isinstance(module, torch.nn.Softmax) else None)
        seq = pretrain.uniter(t(ids), position_ids, t(features), t(pos7), attn, gather, img_masks=t(region_mask),
                              output_all_encoded_layers=False)
        hook.remove()
        assert len(softmaxes) == enc["layers"]
        pooled = pretrain.uniter.pooler(seq)
        vqa_logits = vqa.vqa_output(pooled)
        vqa_loss = F.binary_cross_entropy_with_logits(vqa_logits, t(vqa_targets), reduction="none").mean() * n_answers
        itm_scores = pretrain.itm_output(pooled)
        itm_loss = F.cross_entropy(itm_scores, t(match), reduction="none").mean()
        txt_labels = t(mlm_targets[:, :T])
        mlm_scores = pretrain.cls(pretrain._compute_masked_hidden(seq[:, :T], txt_labels != -1))
        mlm_loss = F.cross_entropy(mlm_scores, txt_labels[txt_labels != -1], reduction="none").mean()
        tgt = t(masked_positions).bool()
        masked = pretrain._compute_masked_hidden(seq, tgt)
        mrc_scores = pretrain.region_classifier(masked)
        mrc_loss = F.cross_entropy(mrc_scores, t(mrc_labels), ignore_index=0, reduction="none").mean()
        mrc_kl = F.kl_div(F.log_softmax(mrc_scores, -1), t(soft), reduction="sum") / tgt.sum()
        mrfr = pretrain.feat_regress(masked)
        mrfr_loss = F.mse_loss(mrfr, t(features)[t(region_mask).bool()], reduction="none").mean()

    tensors = state_tensors(pretrain)
    tensors.update({k: v for k, v in state_tensors(vqa).items() if k.startswith("state.vqa_output.")})
    tensors.update({
        "input.ids": ids,
        "input.regions.features": features,
        "input.regions.boxes": boxes,
        "input.region_mask": region_mask,
        "input.vqa_targets": vqa_targets,
        "input.match_mask": match,
        "input.mlm_targets": np.where(mlm_targets < 0, -100, mlm_targets),
        "input.mrc_targets": mrc_targets,
        "input.mrc_soft_rows": soft,
        "input.mrfr_targets": mrfr_targets,
        "input.masked_positions": masked_positions,
        "output.vqa_logits": vqa_logits.numpy(),
        "output.attention": softmaxes[-1].numpy(),
        "output.itm_match": F.softmax(itm_scores, -1)[:, 1].numpy(),
        "output.vqa_loss": vqa_loss.reshape([]).numpy(),
        "output.itm_loss": itm_loss.reshape([]).numpy(),
        "output.mlm_loss": mlm_loss.reshape([]).numpy(),
        "output.mrc_loss": mrc_loss.reshape([]).numpy(),
        "output.mrc_kl_loss": mrc_kl.reshape([]).numpy(),
        "output.mrfr_loss": mrfr_loss.reshape([]).numpy(),
    })
    meta = metadata("ChenRocks/UNITER", checkout, dict(config.__dict__, img_dim=feat_dim, img_label_dim=n_labels, num_answer=n_answers),
                    {"questions": json.dumps(QUESTIONS)})
    write_safetensors(os.path.join(HERE, "fixture.safetensors"), tensors, meta)
    print("wrote", os.path.join(HERE, "fixture.safetensors"), "with", len(tensors), "tensors")


if __name__ == "__main__":
    main()
