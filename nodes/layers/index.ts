import type { AnyNodeDef } from '@modalflow/core';
import linear from './linear.ts';
import layerNorm from './layer-norm.ts';
import activation from './activation.ts';

export const LAYER_NODES: AnyNodeDef[] = [linear, layerNorm, activation];
