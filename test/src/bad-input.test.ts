import { describe, expect, it } from 'vitest';
import { validateGraphText, ModalflowError, type Problem } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { decodeModel, readSafetensors, writeSafetensors } from '@modalflow/onnx';
import { example, registry } from './fixtures.ts';

const FILE = 'broken.json';
const base = () => JSON.parse(example('late-fusion').text) as Record<string, any>;

function problemsOf(doc: unknown): Problem[] {
  const text = typeof doc === 'string' ? doc : JSON.stringify(doc);
  return validateGraphText(text, registry, { file: FILE }).problems.filter((p) => p.severity !== 'warning');
}

function only(doc: unknown): Problem {
  const problems = problemsOf(doc);
  expect(problems, JSON.stringify(problems, null, 1)).toHaveLength(1);
  expect(problems[0]!.at.file).toBe(FILE);
  return problems[0]!;
}

describe('malformed documents: each gets its own code and location', () => {
  it('the example itself is clean', () => {
    expect(problemsOf(base())).toEqual([]);
  });

  it('invalid JSON', () => {
    const p = only('{ "format": "modalflow.graph", ');
    expect(p.code).toBe('MF_INVALID_JSON');
    expect(p.message).toMatch(/line 1/);
  });

  it('unknown node type', () => {
    const doc = base();
    doc.nodes[2].type = 'layer.linaer';
    const problems = problemsOf(doc);
    expect(problems[0]).toMatchObject({ code: 'MF_UNKNOWN_NODE_TYPE', at: { node: 'text_proj', path: '/nodes/2/type' } });
  });

  it('missing required input', () => {
    const doc = base();
    doc.edges = doc.edges.filter((e: any) => e.to[0] !== 'norm');
    expect(only(doc)).toMatchObject({ code: 'MF_MISSING_INPUT', at: { node: 'norm', port: 'x' } });
  });

  it('unknown port', () => {
    const doc = base();
    doc.edges[0].to = ['text_proj', 'input'];
    const p = problemsOf(doc).find((q) => q.code === 'MF_UNKNOWN_PORT')!;
    expect(p).toMatchObject({ at: { node: 'text_proj', port: 'input', path: '/edges/0/to/1' } });
    expect(p.message).toContain('inputs: x');
  });

  it('dtype mismatch', () => {
    const doc = base();
    doc.nodes[0].params.dtype = 'int64';
    const p = only(doc);
    expect(p).toMatchObject({ code: 'MF_DTYPE_MISMATCH', at: { node: 'text_proj', port: 'x', edge: 0 } });
    expect(p.message).toContain('int64');
  });

  it('shape mismatch', () => {
    const doc = base();
    doc.nodes[1].params.shape = 'B, 32, 1';
    doc.nodes.find((n: any) => n.id === 'fuse').type = 'fusion.concat';
    const problems = problemsOf(doc);
    expect(problems.map((p) => p.code)).toContain('MF_SHAPE_INFER');
    const p = problems.find((q) => q.code === 'MF_SHAPE_INFER')!;
    expect(p.at).toMatchObject({ node: 'fuse', port: 'b' });
    expect(p.message).toMatch(/rank/);
  });

  it('cycle, naming its nodes', () => {
    const doc = base();
    doc.edges = doc.edges.filter((e: any) => !(e.to[0] === 'text_proj'));
    doc.edges.push({ from: ['norm', 'y'], to: ['text_proj', 'x'] });
    const p = problemsOf(doc).find((q) => q.code === 'MF_CYCLE')!;
    expect(p.message).toMatch(/text_proj → text_act → fuse → norm → text_proj|fuse → norm → text_proj → text_act → fuse|norm → text_proj → text_act → fuse → norm|text_act → fuse → norm → text_proj → text_act/);
  });

  it('dangling edge', () => {
    const doc = base();
    doc.edges.push({ from: ['ghost', 'y'], to: ['probs', 'value'] });
    const problems = problemsOf(doc);
    expect(problems[0]).toMatchObject({ code: 'MF_DANGLING_EDGE', at: { node: 'ghost', edge: 10, path: '/edges/10/from' } });
  });

  it('duplicate ids', () => {
    const doc = base();
    doc.nodes[3].id = 'text_proj';
    expect(problemsOf(doc)[0]).toMatchObject({ code: 'MF_DUPLICATE_NODE_ID', at: { node: 'text_proj', path: '/nodes/3/id' } });
  });

  it('a version newer than supported', () => {
    expect(only({ ...base(), version: 2 })).toMatchObject({ code: 'MF_VERSION_TOO_NEW', at: { path: '/version' } });
    const doc = base();
    doc.nodes[2].typeVersion = 5;
    expect(only(doc)).toMatchObject({ code: 'MF_NODE_VERSION_TOO_NEW', at: { node: 'text_proj', path: '/nodes/2/typeVersion' } });
  });

  it('out-of-range, mistyped and unknown params', () => {
    const doc = base();
    doc.nodes[2].params.out = 0;
    expect(only(doc)).toMatchObject({ code: 'MF_PARAM_RANGE', at: { node: 'text_proj', param: 'out', path: '/nodes/2/params/out' } });
    doc.nodes[2].params.out = 'big';
    expect(only(doc)).toMatchObject({ code: 'MF_PARAM_TYPE', at: { param: 'out' } });
    doc.nodes[2].params = { outs: 3 };
    expect(only(doc)).toMatchObject({ code: 'MF_UNKNOWN_PARAM', at: { param: 'outs' } });
    doc.nodes[2].params = {};
    doc.nodes[3].params.fn = 'swish';
    expect(only(doc)).toMatchObject({ code: 'MF_PARAM_CHOICE', at: { node: 'text_act', param: 'fn' } });
  });

  it('an asset path that escapes the graph folder', () => {
    expect(only({ ...base(), weights: { uri: '../../etc/passwd' } })).toMatchObject({ code: 'MF_ASSET_ESCAPES', at: { path: '/weights/uri' } });
    expect(only({ ...base(), assets: { m: { uri: '/abs/model.onnx' } } })).toMatchObject({ code: 'MF_ASSET_ESCAPES', at: { path: '/assets/m/uri' } });
  });

  it('schema violations name the JSON path', () => {
    const doc = base();
    doc.edges[1] = { from: ['text_proj'], to: ['text_act', 'x'] };
    expect(only(doc)).toMatchObject({ code: 'MF_SCHEMA', at: { path: '/edges/1/from' } });
  });

  it('a corrupt ONNX file', () => {
    const bytes = new Uint8Array([0x08, 0x07, 0x3a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2]);
    expect(() => decodeModel(bytes, { file: 'm.onnx' })).toThrow(ModalflowError);
    try {
      decodeModel(bytes, { file: 'm.onnx' });
    } catch (e) {
      expect((e as ModalflowError).code).toMatch(/^ONNX_/);
      expect((e as ModalflowError).at.file).toBe('m.onnx');
    }
  });

  it('a corrupt safetensors file', () => {
    const good = writeSafetensors({ 'a.weight': { dtype: 'float32', dims: [2], data: Float32Array.of(1, 2) } });
    expect(() => readSafetensors(good.slice(0, good.length - 3), { file: 'w.safetensors' })).toThrow(
      expect.objectContaining({ code: 'SAFETENSORS_BAD_TENSOR' }),
    );
    expect(() => readSafetensors(new Uint8Array([1, 2, 3]), { file: 'w.safetensors' })).toThrow(
      expect.objectContaining({ code: 'SAFETENSORS_CORRUPT' }),
    );
  });

  it('weights files: missing, extra and wrongly shaped tensors are named', () => {
    const { doc } = example('late-fusion');
    const w = new Map([['text_proj.weight', { dtype: 'float32' as const, dims: [24, 15], data: new Float32Array(360) }], ['nobody.weight', { dtype: 'float32' as const, dims: [1], data: new Float32Array(1) }]]);
    try {
      compileGraph(doc, registry, { weights: w, file: 'g.json' });
      expect.unreachable();
    } catch (e) {
      const codes = (e as ModalflowError).problems.map((p) => `${p.code} ${p.at.weight}`);
      expect(codes).toContain('MF_WEIGHT_SHAPE text_proj.weight');
      expect(codes).toContain('MF_WEIGHT_MISSING text_proj.bias');
      expect(codes).toContain('MF_WEIGHT_EXTRA nobody.weight');
    }
  });
});
