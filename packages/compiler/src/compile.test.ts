import { describe, expect, it } from 'vitest';
import { OnnxGraph, encodeModel } from '@modalflow/onnx';
import { compileGraph } from './compile.ts';
import { doc, registry } from './test-defs.ts';

function identityModel(): Uint8Array {
  const g = new OnnxGraph('ext');
  g.addInput('X', 'float32', ['N', 4]);
  g.addOutput(g.identity('X', 'Y'), 'float32', ['N', 4]);
  return encodeModel(g);
}

describe('compileGraph', () => {
  it('runs a model file as its own stage, binding ports to its ONNX names', () => {
    const d = doc(
      [['x', 'input'], ['m', 'model', { file: 'net' }], ['o', 'output']],
      [['x', 'v', 'm', 'a'], ['m', 'y', 'o', 'value']],
      { net: { uri: 'net.onnx' } },
    );
    const bytes = identityModel();
    const { plan, models } = compileGraph(d, registry, { asset: (name) => (name === 'net' ? { name, uri: 'net.onnx', bytes } : undefined) });
    const stage = plan.stages[0]!;
    expect(stage).toMatchObject({ kind: 'onnx', external: { asset: 'net' }, inputs: [{ name: 'X', tensor: 'x.v' }], outputs: [{ name: 'Y', tensor: 'm.y' }] });
    expect(models[(stage as { model: string }).model]).toBe(bytes);
  });

  it('says which asset is missing rather than failing later', () => {
    const d = doc([['x', 'input'], ['h', 'host', { file: 'vocab' }], ['o', 'output']], [['x', 'v', 'h', 'a'], ['h', 'y', 'o', 'value']], { vocab: { uri: 'v.txt' } });
    expect(() => compileGraph(d, registry)).toThrow(expect.objectContaining({ code: 'MF_ASSET_NOT_LOADED' }));
    const bytes = new TextEncoder().encode('a b c');
    const { plan, assets } = compileGraph(d, registry, { asset: () => ({ name: 'vocab', uri: 'v.txt', bytes }) });
    expect(plan.stages[0]).toMatchObject({ kind: 'host', assets: ['vocab'] });
    expect(assets['vocab']).toBe(bytes);
  });

  it('refuses a param naming an asset the document does not list', () => {
    const d = doc([['x', 'input'], ['h', 'host', { file: 'nope' }], ['o', 'output']], [['x', 'v', 'h', 'a'], ['h', 'y', 'o', 'value']]);
    expect(() => compileGraph(d, registry)).toThrow(expect.objectContaining({ code: 'MF_UNKNOWN_ASSET' }));
  });

  it('refuses taps that name no output port', () => {
    const d = doc([['x', 'input'], ['a', 'add'], ['o', 'output']], [['x', 'v', 'a', 'a'], ['a', 'y', 'o', 'value']]);
    expect(() => compileGraph(d, registry, { taps: ['a.z'], file: 'g.json' })).toThrow(expect.objectContaining({ code: 'MF_BAD_TAP', at: expect.objectContaining({ file: 'g.json' }) }));
  });
});

describe('stage outputs', () => {
  it('are named by renaming the producing node, with no Identity left over', async () => {
    const { decodeGraph } = await import('@modalflow/onnx');
    const d = doc([['x', 'input'], ['a', 'add'], ['b', 'add'], ['o', 'output'], ['p', 'output']], [['x', 'v', 'a', 'a'], ['a', 'y', 'b', 'a'], ['a', 'y', 'b', 'b'], ['b', 'y', 'o', 'value'], ['a', 'y', 'p', 'value']]);
    const { plan, models } = compileGraph(d, registry);
    const graph = decodeGraph(models[(plan.stages[0] as { model: string }).model]!);
    expect(graph.outputs.map((o) => o.name).sort()).toEqual(['a.y', 'b.y']);
    expect(graph.nodes.map((n) => n.opType)).toEqual(['Identity', 'Add']);
    expect(graph.nodes[1]!.inputs).toEqual(['a.y', 'a.y']);
  });
});
