import { NodeRegistry, type AnyNodeDef } from '@modalflow/core';
import { INPUT_NODES } from './inputs/index.ts';
import { PREPROCESSING_NODES } from './preprocessing/index.ts';
import { ENCODER_NODES } from './encoders/index.ts';
import { POOLING_NODES } from './pooling/index.ts';
import { FUSION_NODES } from './fusion/index.ts';
import { REASONING_NODES } from './reasoning/index.ts';
import { HEAD_NODES } from './heads/index.ts';
import { LOSS_NODES } from './losses/index.ts';
import { OUTPUT_NODES } from './outputs/index.ts';
import { LAYER_NODES } from './layers/index.ts';
import { MODEL_NODES } from './models/index.ts';

/** Every node type of the library, listed explicitly so nothing registers by side effect. */
export const NODE_TYPES: AnyNodeDef[] = [
  ...INPUT_NODES,
  ...MODEL_NODES,
  ...PREPROCESSING_NODES,
  ...ENCODER_NODES,
  ...POOLING_NODES,
  ...FUSION_NODES,
  ...REASONING_NODES,
  ...HEAD_NODES,
  ...LOSS_NODES,
  ...OUTPUT_NODES,
  ...LAYER_NODES,
];

export function createRegistry(extra: AnyNodeDef[] = []): NodeRegistry {
  return new NodeRegistry([...NODE_TYPES, ...extra]);
}
