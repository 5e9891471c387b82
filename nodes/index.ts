import { NodeRegistry, type AnyNodeDef } from '@modalflow/core';
import tensorInput from './inputs/tensor-input.ts';
import output from './outputs/output.ts';
import linear from './layers/linear.ts';
import layerNorm from './layers/layer-norm.ts';
import activation from './layers/activation.ts';
import concat from './fusion/concat.ts';
import classifier from './heads/classifier.ts';

/** Every node type of the library, listed explicitly so nothing registers by side effect. */
export const NODE_TYPES: AnyNodeDef[] = [tensorInput, output, linear, layerNorm, activation, concat, classifier];

export function createRegistry(extra: AnyNodeDef[] = []): NodeRegistry {
  return new NodeRegistry([...NODE_TYPES, ...extra]);
}
