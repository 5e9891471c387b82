import type { AnyNodeDef } from '@modalflow/core';
import concat from './concat.ts';
import concatSequence from './concat-sequence.ts';
import sum from './sum.ts';
import hadamard from './hadamard.ts';
import crossAttention from './cross-attention.ts';
import coAttention from './co-attention.ts';
import gated from './gated.ts';
import tensorFusion from './tensor.ts';
import lowRank from './low-rank.ts';
import additiveAttention from './additive-attention.ts';

export const FUSION_NODES: AnyNodeDef[] = [
  concat,
  concatSequence,
  sum,
  hadamard,
  crossAttention,
  coAttention,
  gated,
  tensorFusion,
  lowRank,
  additiveAttention,
];
