import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '@modalflow/core';
import { registryWith, singleNodeGraph } from '../testing/index.ts';
import output from '../outputs/output.ts';
import tensorInput from './tensor-input.ts';

const analyse = (shape: string, dtype = 'float32') => {
  const doc = singleNodeGraph(output, { inputs: {} });
  doc.nodes.unshift({ id: 'x', type: 'input.tensor', typeVersion: 1, params: { shape, dtype } });
  doc.edges.push({ from: ['x', 'value'], to: ['n', 'value'] });
  return analyzeGraph(doc, registryWith(tensorInput));
};

describe('input.tensor', () => {
  it('declares its shape and dtype from params, with named sizes kept symbolic', () => {
    const a = analyse('B, 3, 224, 224', 'uint8');
    expect(a.nodes.get('x')!.outputShapes['value']).toEqual(['B', 3, 224, 224]);
    expect(a.nodes.get('x')!.outputDtypes['value']).toBe('uint8');
  });

  it('reports an unreadable shape on its param', () => {
    const a = analyse('B, -1');
    expect(a.problems[0]).toMatchObject({ code: 'MF_SHAPE_INFER', at: { node: 'x', param: 'shape' } });
  });
});
