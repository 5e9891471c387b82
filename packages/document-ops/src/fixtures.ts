// Node types for the tests: small, with every kind of port and param the operations meet.
import {
  NodeRegistry, NodeError, bool, choice, defineNode, emptyGraph, float, int, ints, parseShape, string, strings, tensor,
  type GraphDoc,
} from '@modalflow/core';

const noLowering = () => ({});

export const fxInput = defineNode({
  type: 'input.fx', version: 1, category: 'inputs', title: 'Fixture input', role: 'input',
  inputs: {},
  outputs: { value: tensor(['float32', 'int64'], null) },
  params: {
    shape: string({ default: 'B, 8' }),
    dtype: choice(['float32', 'int64'], { default: 'float32' }),
  },
  infer: ({ params }) => {
    try {
      return { value: parseShape(params.shape) };
    } catch (e) {
      throw new NodeError((e as Error).message, { param: 'shape' });
    }
  },
  dtypes: ({ params }) => ({ value: params.dtype }),
});

export const fxLinear = defineNode({
  type: 'layer.fx_linear', version: 1, category: 'layers', title: 'Fixture linear',
  doc: 'Maps the last axis.', formula: 'y = x W^\\top',
  inputs: { x: tensor('float32', ['B', 'in']) },
  outputs: { y: tensor('float32', ['B', 'out']) },
  params: { out: int({ default: 4, min: 1, description: 'Output features' }) },
  weights: ({ inputs, params, need }) => ({
    weight: { shape: [params.out, need(inputs['x']![1], 'in')], init: { kind: 'zeros' } },
  }),
  flops: ({ inputs, params, size }) => 2 * size(inputs['x']![1]!) * params.out,
  lower: noLowering,
});

/** Takes exactly three features, to exercise numeric template dims. */
export const fxVec3 = defineNode({
  type: 'layer.fx_vec3', version: 1, category: 'layers', title: 'Needs 3 features',
  inputs: { x: tensor('float32', ['B', 3]) },
  outputs: { y: tensor('float32', ['B', 3]) },
  lower: noLowering,
});

export const fxSeq = defineNode({
  type: 'encoder.fx_seq', version: 1, category: 'encoders', title: 'Sequence encoder',
  inputs: { x: tensor('float32', ['B', 'T', 'D']) },
  outputs: { y: tensor('float32', ['B', 'T', 'D']) },
  lower: noLowering,
});

export const fxOutput = defineNode({
  type: 'output.fx', version: 1, category: 'outputs', title: 'Fixture output', role: 'output',
  inputs: { value: tensor(['float32', 'int64'], null) },
  outputs: {},
});

/** One param of every kind, for the widget tests. */
export const fxAllParams = defineNode({
  type: 'layer.fx_params', version: 1, category: 'layers', title: 'All params',
  inputs: {},
  outputs: { y: tensor('float32', ['B']) },
  params: {
    count: int({ default: 3, min: 1, max: 8, description: 'An int' }),
    rate: float({ default: 0.5, min: 0, max: 1, description: 'A float' }),
    on: bool({ default: true, description: 'A bool' }),
    mode: choice(['a', 'b', 'c'], { default: 'b', description: 'A choice' }),
    name: string({ default: 'hi', description: 'A string' }),
    notes: string({ default: 'one\ntwo', multiline: true, description: 'A long string' }),
    labels: strings({ default: ['cat', 'dog'], description: 'Strings' }),
    sizes: ints({ default: [1, 2], min: 1, description: 'Ints' }),
  },
  lower: noLowering,
});

export function fixtureRegistry(): NodeRegistry {
  return new NodeRegistry([fxInput, fxLinear, fxVec3, fxSeq, fxOutput, fxAllParams]);
}

/** input -> linear -> output */
export function chainDoc(): GraphDoc {
  return {
    ...emptyGraph('chain'),
    nodes: [
      { id: 'in', type: 'input.fx', typeVersion: 1, params: {}, ui: { x: 0, y: 0 } },
      { id: 'lin', type: 'layer.fx_linear', typeVersion: 1, params: { out: 4 }, ui: { x: 200, y: 0 } },
      { id: 'out', type: 'output.fx', typeVersion: 1, params: {}, ui: { x: 400, y: 0 } },
    ],
    edges: [
      { from: ['in', 'value'], to: ['lin', 'x'] },
      { from: ['lin', 'y'], to: ['out', 'value'] },
    ],
  };
}
