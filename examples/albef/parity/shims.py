"""Stand-ins for the parts of `transformers` (4.8) and `timm` (0.4) that ALBEF's models/xbert.py
and models/vit.py import, for a machine without those packages. Only plumbing is replaced:

- transformers: output dataclasses (ModelOutput: a dict whose values also index as a tuple),
  docstring decorators, logging, BertConfig (PretrainedConfig's defaults that xbert reads),
  PreTrainedModel (config holder; `init_weights` applies the model's `_init_weights` and ties the
  MLM decoder to the word embeddings, as transformers does; `from_pretrained(name, config=...)`
  builds from the config without downloading; `get_head_mask(None)`; `invert_attention_mask`
  as transformers 4.8 writes it for float32: (1 - m) * -10000), `apply_chunking_to_forward`
  (the unchunked call: xbert's chunk size is 0), ACT2FN (gelu = torch's exact erf GELU).
- timm: PatchEmbed (a Conv2d with kernel = stride = patch, flattened to tokens, as timm
  writes it), trunc_normal_ (torch's), DropPath (identity: drop rate 0, eval), _cfg and
  register_model (no-ops).
Nothing here computes a layer of the model; the parity script fills every weight afterwards.
"""
import logging
import sys
import types
from collections import OrderedDict
from dataclasses import dataclass, fields
from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from torch import nn


def _module(name, **attrs):
    m = types.ModuleType(name)
    for k, v in attrs.items():
        setattr(m, k, v)
    sys.modules[name] = m
    return m


class ModelOutput(OrderedDict):
    def __post_init__(self):
        for f in fields(self):
            v = getattr(self, f.name)
            if v is not None:
                self[f.name] = v

    def __getitem__(self, k):
        if isinstance(k, str):
            return dict(self.items())[k]
        return tuple(self.values())[k]

    def to_tuple(self):
        return tuple(self.values())


def _output(name, *names):
    cls = type(name, (ModelOutput,), {"__annotations__": {n: Optional[torch.Tensor] for n in names}, **{n: None for n in names}})
    return dataclass(cls)


OUTPUTS = {
    "BaseModelOutputWithPastAndCrossAttentions": ("last_hidden_state", "past_key_values", "hidden_states", "attentions", "cross_attentions"),
    "BaseModelOutputWithPoolingAndCrossAttentions": ("last_hidden_state", "pooler_output", "hidden_states", "past_key_values", "attentions", "cross_attentions"),
    "CausalLMOutputWithCrossAttentions": ("loss", "logits", "past_key_values", "hidden_states", "attentions", "cross_attentions"),
    "MaskedLMOutput": ("loss", "logits", "hidden_states", "attentions"),
    "MultipleChoiceModelOutput": ("loss", "logits", "hidden_states", "attentions"),
    "NextSentencePredictorOutput": ("loss", "logits", "hidden_states", "attentions"),
    "QuestionAnsweringModelOutput": ("loss", "start_logits", "end_logits", "hidden_states", "attentions"),
    "SequenceClassifierOutput": ("loss", "logits", "hidden_states", "attentions"),
    "TokenClassifierOutput": ("loss", "logits", "hidden_states", "attentions"),
}


class BertConfig:
    """transformers' BertConfig / PretrainedConfig defaults, as far as xbert reads them."""

    def __init__(self, **kw):
        self.vocab_size, self.hidden_size, self.num_hidden_layers, self.num_attention_heads = 30522, 768, 12, 12
        self.intermediate_size, self.hidden_act, self.hidden_dropout_prob, self.attention_probs_dropout_prob = 3072, "gelu", 0.1, 0.1
        self.max_position_embeddings, self.type_vocab_size, self.initializer_range, self.layer_norm_eps = 512, 2, 0.02, 1e-12
        self.pad_token_id, self.position_embedding_type, self.use_cache, self.num_labels = 0, "absolute", True, 2
        self.output_attentions = self.output_hidden_states = self.add_cross_attention = self.is_decoder = False
        self.gradient_checkpointing, self.chunk_size_feed_forward, self.torchscript, self.return_dict = False, 0, False, True
        self.__dict__.update(kw)

    @property
    def use_return_dict(self):
        return self.return_dict and not self.torchscript

    @classmethod
    def from_json_file(cls, path):
        import json

        with open(path) as f:
            return cls(**json.load(f))


class PreTrainedModel(nn.Module):
    def __init__(self, config, *inputs, **kwargs):
        super().__init__()
        self.config = config

    @classmethod
    def from_pretrained(cls, name, config=None, **kwargs):
        return cls(config)

    def init_weights(self):
        self.apply(self._init_weights)
        self.tie_weights()

    def tie_weights(self):
        out = self.get_output_embeddings() if hasattr(self, "get_output_embeddings") else None
        if out is not None:
            out.weight = self.get_input_embeddings().weight

    def get_input_embeddings(self):
        return getattr(self, self.base_model_prefix).get_input_embeddings()

    @property
    def dtype(self):
        return next(self.parameters()).dtype

    @property
    def device(self):
        return next(self.parameters()).device

    def get_head_mask(self, head_mask, num_hidden_layers, is_attention_chunked=False):
        assert head_mask is None
        return [None] * num_hidden_layers

    def invert_attention_mask(self, mask):
        if mask.dim() == 3:
            ext = mask[:, None, :, :]
        else:
            ext = mask[:, None, None, :]
        ext = ext.to(dtype=self.dtype)
        return (1.0 - ext) * -10000.0


def apply_chunking_to_forward(forward_fn, chunk_size, chunk_dim, *input_tensors):
    assert chunk_size == 0
    return forward_fn(*input_tensors)


def _unused(*args, **kwargs):
    raise NotImplementedError("not needed by the parity fixture")


def _decorator_factory(*args, **kwargs):
    return lambda fn: fn


class PatchEmbed(nn.Module):
    def __init__(self, img_size=224, patch_size=16, in_chans=3, embed_dim=768, norm_layer=None, flatten=True):
        super().__init__()
        self.img_size, self.patch_size = (img_size, img_size), (patch_size, patch_size)
        self.grid_size = (img_size // patch_size, img_size // patch_size)
        self.num_patches = self.grid_size[0] * self.grid_size[1]
        self.proj = nn.Conv2d(in_chans, embed_dim, kernel_size=patch_size, stride=patch_size)
        assert norm_layer is None

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class DropPath(nn.Module):
    def __init__(self, drop_prob=None):
        super().__init__()
        self.drop_prob = drop_prob or 0.0

    def forward(self, x):
        assert self.drop_prob == 0.0 or not self.training
        return x


def install():
    logging_mod = _module("transformers.utils.logging", get_logger=logging.getLogger, set_verbosity_error=lambda: None)
    transformers = _module("transformers", logging=logging_mod)
    _module("transformers.utils", logging=logging_mod)
    _module("transformers.activations", ACT2FN={"gelu": F.gelu, "relu": F.relu, "tanh": torch.tanh})
    _module("transformers.file_utils", ModelOutput=ModelOutput, add_code_sample_docstrings=_decorator_factory,
            add_start_docstrings=_decorator_factory, add_start_docstrings_to_model_forward=_decorator_factory,
            replace_return_docstrings=_decorator_factory)
    _module("transformers.modeling_outputs", **{k: _output(k, *v) for k, v in OUTPUTS.items()})
    _module("transformers.modeling_utils", PreTrainedModel=PreTrainedModel, apply_chunking_to_forward=apply_chunking_to_forward,
            find_pruneable_heads_and_indices=_unused, prune_linear_layer=_unused)
    _module("transformers.models")
    _module("transformers.models.bert")
    _module("transformers.models.bert.configuration_bert", BertConfig=BertConfig)
    _module("timm")
    _module("timm.models")
    _module("timm.models.vision_transformer", _cfg=lambda **kw: kw, PatchEmbed=PatchEmbed)
    _module("timm.models.registry", register_model=lambda fn: fn)
    _module("timm.models.layers", trunc_normal_=nn.init.trunc_normal_, DropPath=DropPath)
    return transformers
