"""Stand-ins for what ViLT's vilt/modules imports from packages this machine lacks
(pytorch_lightning, transformers 4.x, timm 0.4, torchvision, tqdm):

- pytorch_lightning.LightningModule: nn.Module whose save_hyperparameters() keeps the `config`
  argument of the caller as `self.hparams.config`, as Lightning does.
- transformers: BertConfig (the fields ViLTransformerSS passes, transformers' defaults for the
  rest), BertEmbeddings (transformers' BertEmbeddings written out: word + absolute position +
  token type 0, LayerNorm(eps = layer_norm_eps 1e-12), dropout; the same names), and
  BertPredictionHeadTransform (dense, GELU, LayerNorm), which only the MLM head of the
  full-size key list builds.
- timm: DropPath (identity: drop rate 0, eval), to_2tuple, trunc_normal_ (torch's), register_model;
  load_pretrained does nothing (ViLT asks for ImageNet weights when it has no checkpoint path;
  every weight is filled afterwards); the hybrid backbones, never reached, raise.
- vilt.modules.objectives / vilt_utils: only the weight initialiser (a no-op: every weight is
  filled afterwards) and the metric set-up (a no-op) are called while building the model.
BertEmbeddings is the one piece of arithmetic not taken from the checkout.
"""
import inspect
import sys
import types

import torch
from torch import nn


def _module(name, **attrs):
    m = types.ModuleType(name)
    for k, v in attrs.items():
        setattr(m, k, v)
    sys.modules[name] = m
    return m


def _unused(*args, **kwargs):
    raise NotImplementedError("not on the path the parity fixture runs")


class LightningModule(nn.Module):
    def save_hyperparameters(self):
        caller = inspect.currentframe().f_back.f_locals
        self.hparams = types.SimpleNamespace(config=caller["config"])


class BertConfig:
    def __init__(self, vocab_size=30522, hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072,
                 hidden_act="gelu", hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1, max_position_embeddings=512,
                 type_vocab_size=2, initializer_range=0.02, layer_norm_eps=1e-12, pad_token_id=0, **kwargs):
        self.__dict__.update({k: v for k, v in locals().items() if k not in ("self", "kwargs")}, **kwargs)


class BertEmbeddings(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.word_embeddings = nn.Embedding(config.vocab_size, config.hidden_size, padding_idx=config.pad_token_id)
        self.position_embeddings = nn.Embedding(config.max_position_embeddings, config.hidden_size)
        self.token_type_embeddings = nn.Embedding(config.type_vocab_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.register_buffer("position_ids", torch.arange(config.max_position_embeddings).expand((1, -1)))

    def forward(self, input_ids):
        position_ids = self.position_ids[:, : input_ids.size(1)]
        embeddings = self.word_embeddings(input_ids) + self.token_type_embeddings(torch.zeros_like(input_ids))
        embeddings = embeddings + self.position_embeddings(position_ids)
        return self.dropout(self.LayerNorm(embeddings))


class BertPredictionHeadTransform(nn.Module):
    """Names and shapes of transformers' module (dense, LayerNorm); only the full-size key list
    builds it, the parity run has no MLM head."""

    def __init__(self, config):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def forward(self, x):
        return self.LayerNorm(torch.nn.functional.gelu(self.dense(x)))


class DropPath(nn.Module):
    def __init__(self, drop_prob=None):
        super().__init__()
        self.drop_prob = drop_prob or 0.0

    def forward(self, x):
        assert self.drop_prob == 0.0 or not self.training
        return x


class _Compose:
    def __init__(self, transforms):
        self.transforms = transforms


class _Normalize:
    def __init__(self, *args, **kwargs):
        pass


def install():
    _module("pytorch_lightning", LightningModule=LightningModule)
    _module("transformers")
    _module("transformers.models")
    _module("transformers.models.bert")
    _module("transformers.models.bert.modeling_bert", BertConfig=BertConfig, BertEmbeddings=BertEmbeddings,
            BertPredictionHeadTransform=BertPredictionHeadTransform)
    _module("timm")
    _module("timm.data", IMAGENET_DEFAULT_MEAN=(0.485, 0.456, 0.406), IMAGENET_DEFAULT_STD=(0.229, 0.224, 0.225))
    _module("timm.models")
    _module("timm.models.helpers", load_pretrained=lambda *args, **kwargs: None)
    _module("timm.models.layers", StdConv2dSame=_unused, DropPath=DropPath, to_2tuple=lambda x: x if isinstance(x, tuple) else (x, x),
            trunc_normal_=nn.init.trunc_normal_)
    _module("timm.models.resnet", resnet26d=_unused, resnet50d=_unused)
    _module("timm.models.resnetv2", ResNetV2=_unused)
    _module("timm.models.registry", register_model=lambda fn: fn)
    _module("torchvision", transforms=_module("torchvision.transforms", Compose=_Compose, Normalize=_Normalize))
    _module("tqdm", tqdm=_unused)
    _module("vilt.modules.objectives", init_weights=lambda module: None)
    _module("vilt.modules.vilt_utils", set_metrics=lambda module: None)
