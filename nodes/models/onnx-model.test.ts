import { describe, expect, it } from 'vitest';
import type { GraphDoc, Tensor } from '@modalflow/core';
import { OnnxGraph, encodeModel } from '@modalflow/onnx';
import { compileGraph } from '@modalflow/compiler';
import { f64, linearRef, randomTensor, relError } from '../testing/reference.ts';
import { analyze, importGraph, lookupOf, registry, runGraph } from './run-imported.ts';
import { readModelAsset } from './model-file.ts';

const W = randomTensor([4, 3], 7);

// Edges to a node whose ports could not be read are also reported as unknown ports; the
// problem that matters is the node's own.
const own = (problems: { code: string }[]) => problems.filter((p) => p.code !== 'MF_UNKNOWN_PORT');

/** Y = X W + 1 over [batch_size, seq, 4]: named sizes, a weight inside the file, a second output. */
function projection(names = { x: 'X', y: 'Y', z: 'Z' }, shape: (string | number | null)[] = ['batch_size', 'seq', 4]): Uint8Array {
  const g = new OnnxGraph('proj');
  g.addInput(names.x, 'float32', shape);
  g.addInitializer('W', W);
  const y = g.op('Add', [g.op('MatMul', [names.x, 'W']), g.scalarFloat(1)], {}, { outputName: names.y });
  g.addOutput(y, 'float32', [shape[0]!, shape[1]!, 3]);
  g.addOutput(g.op('ReduceSum', [y], {}, { outputName: names.z }), 'float32', [1, 1, 1]);
  return encodeModel(g);
}

/** X W + 1 in float64, computed without ONNX. */
function projectionRef(x: Tensor): Float64Array {
  return linearRef(f64(x), 4, transpose(f64(W), 4, 3), 3, [1, 1, 1]);
}
function transpose(a: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c]!;
  return t;
}

const feeds = { X: { dtype: 'float32', shape: 'B, 5, 4' } };

describe('model.onnx', () => {
  it('takes its ports from the model, mapping batch names to B and other open sizes to node symbols', () => {
    const a = analyze(importGraph({ feeds, outputs: ['Y', 'Z'] }), { net: projection() });
    expect(a.problems).toEqual([]);
    const m = a.nodes.get('m')!;
    expect(m.inputs['X']).toMatchObject({ dtypes: ['float32'], shape: ['B', 'm.seq', 4] });
    expect(m.outputs['Y']).toMatchObject({ dtypes: ['float32'], shape: ['B', 'm.seq', 3] });
    expect(m.outputShapes).toEqual({ Y: ['B', 5, 3], Z: [1, 1, 1] });
  });

  it('maps sizes as `dims` says, by name or by tensor[axis]', () => {
    const named = analyze(importGraph({ feeds, outputs: ['Y'], params: { dims: 'batch_size=N, seq=T' } }), { net: projection() });
    expect(named.nodes.get('m')!.inputs['X']!.shape).toEqual(['N', 'T', 4]);
    const open = projection(undefined, [null, '', 4]);
    const positional = analyze(importGraph({ feeds, outputs: ['Y'], params: { dims: 'X[0]=B; Y[1]=5' } }), { net: open });
    expect(positional.problems).toEqual([]);
    const m = positional.nodes.get('m')!;
    expect(m.inputs['X']!.shape).toEqual(['B', 'm.X.1', 4]);
    expect(m.outputs['Y']!.shape).toEqual(['m.Y.0', 5, 3]);
  });

  it('reports a `dims` that names nothing in the model, or cannot be read, on that param', () => {
    for (const [dims, message] of [
      ['sequence=T', /names no size "sequence" \(its named sizes: batch_size, seq/],
      ['seq', /should look like name=SYMBOL/],
      ['seq=T+1', /neither a size nor a symbol/],
      ['X[2]=T', /fixed at 4/],
      ['Q[0]=B', /no input or output "Q"/],
    ] as const) {
      const a = analyze(importGraph({ feeds, outputs: ['Y'], params: { dims } }), { net: projection() });
      expect(own(a.problems), dims).toMatchObject([{ code: 'MF_MODEL_DIMS', message: expect.stringMatching(message), at: { node: 'm' } }]);
    }
  });

  it('catches a known size that disagrees with the model before anything runs', () => {
    const a = analyze(importGraph({ feeds: { X: { dtype: 'float32', shape: 'B, 5, 6' } }, outputs: ['Y'] }), { net: projection() });
    expect(a.problems).toMatchObject([{ code: 'MF_SHAPE_MISMATCH', at: { node: 'm', port: 'X' } }]);
  });

  it('runs the file as its own stage through compiler, engine and onnxruntime', async () => {
    const x = randomTensor([2, 5, 4], 3);
    const bytes = projection();
    const { outputs, compiled } = await runGraph(importGraph({ feeds, outputs: ['Y', 'Z'] }), { net: bytes }, { in_X: x });
    const stage = compiled.plan.stages[0]!;
    expect(stage).toMatchObject({ kind: 'onnx', external: { asset: 'net' }, inputs: [{ name: 'X', tensor: 'in_X.value' }] });
    expect(compiled.models[(stage as { model: string }).model]).toBe(bytes);
    expect(outputs['out_Y']!.dims).toEqual([2, 5, 3]);
    const ref = projectionRef(x);
    expect(relError(outputs['out_Y']!.data as Float32Array, ref)).toBeLessThan(1e-5);
    expect(Number((outputs['out_Z']!.data as Float32Array)[0])).toBeCloseTo(ref.reduce((s, v) => s + v, 0), 3);
  });

  it('turns ONNX names into port names and binds the stage by the original names', async () => {
    const bytes = projection({ x: 'input.1', y: 'onnx::Add_7', z: '442' });
    const doc = importGraph({ feeds: { input_1: { dtype: 'float32', shape: 'B, 5, 4' } }, outputs: ['onnx_Add_7', '_442'] });
    const a = analyze(doc, { net: bytes });
    expect(a.problems).toEqual([]);
    expect(Object.keys(a.nodes.get('m')!.outputs)).toEqual(['onnx_Add_7', '_442']);
    const x = randomTensor([1, 5, 4], 9);
    const { outputs, compiled } = await runGraph(doc, { net: bytes }, { in_input_1: x });
    expect(compiled.plan.stages[0]).toMatchObject({
      inputs: [{ name: 'input.1' }],
      outputs: [{ name: 'onnx::Add_7', tensor: 'm.onnx_Add_7' }, { name: '442', tensor: 'm._442' }],
    });
    expect(relError(outputs['out_onnx_Add_7']!.data as Float32Array, projectionRef(x))).toBeLessThan(1e-5);
  });

  it('chains two imported models, each in its own stage', async () => {
    const g = new OnnxGraph('double');
    g.addInput('Y', 'float32', ['batch', 'seq', 3]);
    g.addOutput(g.op('Mul', ['Y', g.scalarFloat(2)], {}, { outputName: 'D' }), 'float32', ['batch', 'seq', 3]);
    const doc = importGraph({ feeds, outputs: [] });
    doc.nodes.push({ id: 'd', type: 'model.onnx', typeVersion: 1, params: { model: 'twice' } }, { id: 'out', type: 'output.tensor', typeVersion: 1, params: {} });
    doc.edges.push({ from: ['m', 'Y'], to: ['d', 'Y'] }, { from: ['d', 'D'], to: ['out', 'value'] });
    doc.assets!['twice'] = { uri: 'twice.onnx' };
    const x = randomTensor([3, 5, 4], 4);
    const { outputs, compiled } = await runGraph(doc, { net: projection(), twice: encodeModel(g) }, { in_X: x });
    expect(compiled.plan.stages.map((s) => (s as { external?: unknown }).external)).toEqual([{ asset: 'net' }, { asset: 'twice' }]);
    expect(relError(outputs['out']!.data as Float32Array, projectionRef(x).map((v) => 2 * v))).toBeLessThan(1e-5);
  });

  it('imports a model ModalFlow compiled itself', async () => {
    const mlp: GraphDoc = {
      format: 'modalflow.graph', version: 1, meta: {}, seed: 5,
      nodes: [
        { id: 'x', type: 'input.tensor', typeVersion: 1, params: { dtype: 'float32', shape: 'B, 8' } },
        { id: 'mlp', type: 'encoder.mlp', typeVersion: 1, params: { layers: [16, 4] } },
        { id: 'y', type: 'output.tensor', typeVersion: 1, params: {} },
      ],
      edges: [{ from: ['x', 'value'], to: ['mlp', 'x'] }, { from: ['mlp', 'y'], to: ['y', 'value'] }],
    };
    const original = await runGraph(mlp, {}, { x: randomTensor([2, 8], 1) });
    const stage = original.compiled.plan.stages[0] as { model: string; inputs: { name: string }[]; outputs: { name: string }[] };
    const bytes = original.compiled.models[stage.model]!;
    const port = (name: string) => name.replace(/[^A-Za-z0-9_]+/g, '_');
    const doc = importGraph({ feeds: { [port(stage.inputs[0]!.name)]: { dtype: 'float32', shape: 'B, 8' } }, outputs: [port(stage.outputs[0]!.name)] });
    const again = await runGraph(doc, { net: bytes }, { [`in_${port(stage.inputs[0]!.name)}`]: randomTensor([2, 8], 1) });
    expect(again.outputs[`out_${port(stage.outputs[0]!.name)}`]).toEqual(original.outputs['y']);
  });

  it('says which asset is missing before it is loaded, and asks for a model when none is set', () => {
    const missing = analyze(importGraph({ feeds, outputs: ['Y'] }), {});
    expect(own(missing.problems)).toMatchObject([{ code: 'MF_ASSET_NOT_LOADED', message: expect.stringContaining('asset "net"'), at: { node: 'm' } }]);
    expect(() => compileGraph(importGraph({ feeds, outputs: ['Y'] }), registry, {})).toThrow(expect.objectContaining({ code: 'MF_ASSET_NOT_LOADED' }));
    const unset = analyze(importGraph({ feeds: {}, outputs: [], params: { model: '' } }), {});
    expect(unset.problems[0]).toMatchObject({ code: 'MF_MODEL_NOT_SET', at: { node: 'm' } });
  });

  it('decodes each loaded file once, however often the graph is analysed', () => {
    const bytes = projection();
    const first = readModelAsset(lookupOf({ net: bytes })('net')!, {});
    expect(readModelAsset(lookupOf({ net: bytes })('net')!, {})).toBe(first);
    expect(readModelAsset(lookupOf({ net: bytes.slice() })('net')!, {})).not.toBe(first);
  });
});
