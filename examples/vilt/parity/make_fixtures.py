"""Parity fixture for examples/vilt/tiny.json from the authors' ViLT code.

Usage: /usr/bin/python3 examples/vilt/parity/make_fixtures.py <checkout of dandelin/ViLT>

Builds `vilt/modules/vilt_module.py`'s ViLTransformerSS with the ITM and VQA heads at the tiny
graph's configuration (width 32, 2 heads, MLP ratio 4, 2 layers, patch 16 on 32x32 pictures, text
length 8, vocabulary 81, 3129 answers), fills every parameter with seeded noise, and runs its
`infer` on two questions and two pictures. Writes examples/vilt/parity/fixture.safetensors.

Shims (parity/shims.py): pytorch_lightning, transformers, timm, torchvision and tqdm are not
installed; see that file for what stands in for each. The vision transformer is ViLT's own
vilt/modules/vision_transformer.py VisionTransformer, built through a tiny variant registered
beside vit_base_patch32_384 (the same constructor, the tiny sizes).

ViLT's layer norms use eps 1e-6 (timm's default in that file); the graph follows Hugging Face's
ViltConfig (1e-12). `visual_embed` draws the patches in a random order; the pooled outputs do not
depend on it, and the last layer's attention (taken from its Attention module with a forward
hook, since infer drops it) is put back into row-major patch order with `patch_index`. Outputs:
`attention`, `vqa_logits` (vqa_classifier), `itm_match` (softmax of itm_score, class
1) and the losses as vilt/modules/objectives.py computes them: `vqa_loss` =
BCE-with-logits(mean) * 3129 (compute_vqa), `itm_loss` = cross-entropy (compute_itm).
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "test", "parity"))
sys.path.insert(0, HERE)
from reference_fixture import metadata, randomize, regenerate, state_dict_items, state_tensors, write_key_list, write_safetensors  # noqa: E402
import shims  # noqa: E402

QUESTIONS = ["what color is the dog ?", "how many people are there ?"]


def config_for(vocab, hidden, layers, heads, text_len, answers, vit_name):
    return {
        "vocab_size": vocab, "hidden_size": hidden, "num_layers": layers, "num_heads": heads, "mlp_ratio": 4,
        "max_text_len": text_len, "drop_rate": 0.0, "load_path": "", "test_only": False, "vit": vit_name,
        "loss_names": {"itm": 1, "mlm": 0, "mpp": 0, "vqa": 1, "nlvr2": 0, "irtr": 0}, "vqav2_label_size": answers,
        "max_image_len": -1,
    }


def hf_keys(hidden=768, layers=12, vocab=30522, text_len=40, positions=145, patch=32, answers=3129):
    """The state_dict names of Hugging Face's ViltForQuestionAnswering (dandelin/vilt-b32-finetuned-vqa;
    transformers models/vilt/modeling_vilt.py), written out from its module tree (transformers is
    not needed here): ViltModel under `vilt.` and the classifier Linear, LayerNorm, GELU, Linear."""
    f = "float32"
    e = "vilt.embeddings."
    keys = [(e + "text_embeddings.word_embeddings.weight", f, (vocab, hidden)), (e + "text_embeddings.position_embeddings.weight", f, (text_len, hidden)),
            (e + "text_embeddings.token_type_embeddings.weight", f, (2, hidden)), (e + "text_embeddings.LayerNorm.weight", f, (hidden,)),
            (e + "text_embeddings.LayerNorm.bias", f, (hidden,)), (e + "text_embeddings.position_ids", "int64", (1, text_len)),
            (e + "cls_token", f, (1, 1, hidden)), (e + "position_embeddings", f, (1, positions, hidden)),
            (e + "patch_embeddings.projection.weight", f, (hidden, 3, patch, patch)), (e + "patch_embeddings.projection.bias", f, (hidden,)),
            (e + "token_type_embeddings.weight", f, (2, hidden))]
    for i in range(layers):
        p = f"vilt.encoder.layer.{i}."
        for name in ("attention.attention.query", "attention.attention.key", "attention.attention.value", "attention.output.dense"):
            keys += [(p + name + ".weight", f, (hidden, hidden)), (p + name + ".bias", f, (hidden,))]
        keys += [(p + "intermediate.dense.weight", f, (4 * hidden, hidden)), (p + "intermediate.dense.bias", f, (4 * hidden,)),
                 (p + "output.dense.weight", f, (hidden, 4 * hidden)), (p + "output.dense.bias", f, (hidden,))]
        for name in ("layernorm_before", "layernorm_after"):
            keys += [(p + name + ".weight", f, (hidden,)), (p + name + ".bias", f, (hidden,))]
    keys += [("vilt.layernorm.weight", f, (hidden,)), ("vilt.layernorm.bias", f, (hidden,)),
             ("vilt.pooler.dense.weight", f, (hidden, hidden)), ("vilt.pooler.dense.bias", f, (hidden,)),
             ("classifier.0.weight", f, (2 * hidden, hidden)), ("classifier.0.bias", f, (2 * hidden,)),
             ("classifier.1.weight", f, (2 * hidden,)), ("classifier.1.bias", f, (2 * hidden,)),
             ("classifier.3.weight", f, (answers, 2 * hidden)), ("classifier.3.bias", f, (answers,))]
    return keys


def main():
    checkout = sys.argv[1]
    sys.path.insert(0, checkout)
    shims.install()
    import vilt.modules.vision_transformer as vit  # noqa: E402
    from vilt.modules.vilt_module import ViLTransformerSS  # noqa: E402

    graph = json.load(open(os.path.join(HERE, "..", "tiny.json")))
    nodes = {n["id"]: n["params"] for n in graph["nodes"]}
    enc, pe, tok, te = nodes["encoder"], nodes["patch_embed"], nodes["tokenize"], nodes["text_embed"]
    vit.vit_parity_tiny = lambda pretrained=False, **kw: vit.VisionTransformer(
        img_size=pe["image_size"], patch_size=pe["patch"], embed_dim=enc["dim"], depth=enc["layers"], num_heads=enc["heads"], **kw)

    # Full size (ViLT-B/32 with the VQA head, as dandelin's vilt_vqa checkpoint) for the key list.
    full = ViLTransformerSS(dict(config_for(30522, 768, 12, 12, 40, 3129, "vit_base_patch32_384"),
                                 loss_names={"itm": 1, "mlm": 1, "mpp": 0, "vqa": 1, "nlvr2": 0, "irtr": 0}))
    write_key_list(os.path.join(HERE, "..", "weights-maps", "keys", "vilt.json"), state_dict_items(full),
                   "dandelin/ViLT ViLTransformerSS, ViLT-B/32 (vit_base_patch32_384), loss_names itm, vqa; the MLM head's keys listed "
                   "from ViLT's pretraining checkpoint layout (mlm_score.*)")
    del full
    write_key_list(os.path.join(HERE, "..", "weights-maps", "keys", "hf.json"), hf_keys(),
                   "transformers ViltForQuestionAnswering, dandelin/vilt-b32-finetuned-vqa (module tree of modeling_vilt.py)")

    torch.manual_seed(0)
    config = config_for(len(tok["vocabulary"]), enc["dim"], enc["layers"], enc["heads"], tok["max_length"], nodes["vqa_head"]["classes"], "vit_parity_tiny")
    model = ViLTransformerSS(config)
    randomize(model, seed=14)
    generated = regenerate(model, ["vqa_classifier.3.weight"], seed=15)
    model.eval()

    vocab = {w: i for i, w in enumerate(tok["vocabulary"])}
    B, T = len(QUESTIONS), tok["max_length"]
    ids = np.zeros((B, T), dtype=np.int64)
    for b, q in enumerate(QUESTIONS):
        words = ["[CLS]"] + q.split() + ["[SEP]"]
        ids[b, : len(words)] = [vocab[w] for w in words]
    mask = (ids != 0).astype(np.int64)
    rng = np.random.default_rng(16)
    pixels = rng.integers(0, 256, size=(B, 32, 32, 3), dtype=np.uint8)
    image = torch.from_numpy(((pixels.astype(np.float32) / 255 - 0.5) / 0.5).transpose(0, 3, 1, 2).copy())
    vqa_targets = np.zeros((B, nodes["vqa_head"]["classes"]), dtype=np.float32)
    vqa_targets[0, [5, 40]] = [1.0, 0.6]
    vqa_targets[1, 3000] = 0.3
    match = np.array([1, 0], dtype=np.int64)

    t = torch.from_numpy
    with torch.no_grad():
        torch.manual_seed(1)
        captured = {}
        hook = model.transformer.blocks[-1].attn.register_forward_hook(lambda module, inputs, output: captured.update(attn=output[1]))
        ret = model.infer({"text_ids": t(ids), "text_labels": torch.full_like(t(ids), -100), "text_masks": t(mask), "image": [image]})
        hook.remove()
        # Put the last layer's attention into the graph's token order: ViLT draws the patches in a
        # random order, the graph keeps them row-major; text and the image class token stay put.
        (patch_index, (_, grid_w)) = ret["patch_index"]
        order = (patch_index[..., 0] * grid_w + patch_index[..., 1]).numpy()
        attn = captured["attn"].numpy()
        attention = np.zeros_like(attn)
        for b in range(B):
            to_graph = np.concatenate([np.arange(T + 1), T + 1 + order[b]])
            attention[b][:, to_graph[:, None], to_graph[None, :]] = attn[b]
        vqa_logits = model.vqa_classifier(ret["cls_feats"])
        itm_logits = model.itm_score(ret["cls_feats"])
        vqa_loss = F.binary_cross_entropy_with_logits(vqa_logits, t(vqa_targets)) * vqa_targets.shape[1]
        itm_loss = F.cross_entropy(itm_logits, t(match))

    tensors = {k: v for k, v in state_tensors(model).items() if k[len("state."):] not in generated}
    tensors.update({
        "input.ids": ids,
        "input.image": pixels,
        "input.vqa_targets": vqa_targets,
        "input.match_mask": match,
        "output.vqa_logits": vqa_logits.numpy(),
        "output.attention": attention,
        "output.itm_match": F.softmax(itm_logits, -1)[:, 1].numpy(),
        "output.vqa_loss": vqa_loss.reshape([]).numpy(),
        "output.itm_loss": itm_loss.reshape([]).numpy(),
    })
    meta = metadata("dandelin/ViLT", checkout, config, {"questions": json.dumps(QUESTIONS), "generated": json.dumps(generated)})
    write_safetensors(os.path.join(HERE, "fixture.safetensors"), tensors, meta)
    print("wrote", os.path.join(HERE, "fixture.safetensors"), "with", len(tensors), "tensors")


if __name__ == "__main__":
    main()
