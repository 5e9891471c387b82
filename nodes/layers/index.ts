import type { AnyNodeDef } from '@modalflow/core';
import linear from './linear.ts';
import layerNorm from './layer-norm.ts';
import activation from './activation.ts';
import batchNorm from './batch-norm.ts';
import maxout from './maxout.ts';
import learnedTokens from './learned-tokens.ts';
import reshape from './reshape.ts';

export const LAYER_NODES: AnyNodeDef[] = [linear, layerNorm, activation, batchNorm, maxout, learnedTokens, reshape];
