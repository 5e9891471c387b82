import { describe, expect, it } from 'vitest';
import { analyzeGraph, type Tensor } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { createEngine } from '@modalflow/engine';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { act, f64, layerNormRef, linearRef, randomTensor, relError, runNode } from '../testing/index.ts';
import { analyzeNode, randomWeights, shapeOnly } from '../testing/heads-reference.ts';
import { graphDoc } from '../inputs/run-graph.ts';
import { createRegistry } from '../index.ts';
import regionRegression from './region-regression.ts';

const runtime = createNodeRuntime({ providers: ['cpu'] });

/** hidden (and table) fed from inputs, one output node per decoder port. */
function decoderGraph(params: Record<string, unknown>, hidden: number[], outputs: string[], table?: number[]) {
  return graphDoc(
    [
      ['hidden', 'input.tensor', { shape: hidden.join(',') }],
      ...(table ? [['table', 'input.tensor', { shape: table.join(',') }] as [string, string, Record<string, unknown>]] : []),
      ['n', 'head.region_regression', params],
      ...outputs.map((o) => [`out_${o}`, 'output.tensor'] as [string, string]),
    ],
    [['hidden.value', 'n.hidden'], ...(table ? [['table.value', 'n.table'] as [string, string]] : []), ...outputs.map((o) => [`n.${o}`, `out_${o}.value`] as [string, string])],
  );
}

/** Runs the graph with every weight of `n` random (biases and LayerNorm too). */
async function runDecoders(params: Record<string, unknown>, feeds: Record<string, Tensor>, outputs: string[]) {
  const doc = decoderGraph(params, feeds['hidden']!.dims, outputs, feeds['table']?.dims);
  const registry = createRegistry();
  const info = analyzeGraph(doc, registry).nodes.get('n')!;
  const weights: Record<string, Tensor> = {};
  Object.entries(info.weights).forEach(([name, spec], k) => {
    const t = randomTensor(spec.shape, 50 + k, 0.5);
    if (name.endsWith('LayerNorm.weight')) (t.data as Float32Array).forEach((v, j, a) => (a[j] = v + 1));
    weights[name] = t;
  });
  const compiled = compileGraph(doc, registry, { weights: new Map(Object.entries(weights).map(([k, v]) => [`n.${k}`, v])) });
  const program = await createEngine(runtime, { registry }).load(compiled);
  try {
    const result = await program.run(feeds, { cache: false });
    return { outputs: Object.fromEntries(outputs.map((o) => [o, result.outputs[`out_${o}`]!])), weights, info };
  } finally {
    await program.release();
  }
}

describe('head.region_regression', () => {
  it('is LN(gelu(dense)) then a linear map to the feature width', async () => {
    const params = { features: 7, eps: 1e-12 };
    const hidden = randomTensor([2, 3, 5], 8);
    const weights = randomWeights(regionRegression, { params, inputs: { hidden } }, 9);
    const { outputs } = await runNode(regionRegression, { params, inputs: { hidden }, weights });
    const get = (n: string) => f64(weights[n]!);
    const h = linearRef(f64(hidden), 5, get('transform.dense.weight'), 5, get('transform.dense.bias')).map(act['gelu']!);
    const n = layerNormRef(h, 5, get('transform.LayerNorm.weight'), get('transform.LayerNorm.bias'), 1e-12);
    const ref = linearRef(n, 5, get('decoder_dict.feat.weight'), 7, get('decoder_dict.feat.bias'));
    expect(outputs['features']!.dims).toEqual([2, 3, 7]);
    expect(relError(f64(outputs['features']!), ref)).toBeLessThanOrEqual(1e-5);
  });

  it('has the parameters of LXMERT\'s feature regression head (768 -> 2048)', () => {
    const { info } = analyzeNode(regionRegression, { hidden: shapeOnly([1, 36, 768]) });
    expect(info.paramCount).toBe(768 * 768 + 768 + 2 * 768 + 2048 * 768 + 2048);
  });

  it('several decoders share one transform, one output port each (LXMERT obj/attr/feat)', async () => {
    const params = { decoders: 'obj:4, attr:3, feat:6' };
    const hidden = randomTensor([2, 3, 5], 12);
    const { outputs, weights, info } = await runDecoders(params, { hidden }, ['obj', 'attr', 'feat']);
    expect(Object.keys(info.outputs)).toEqual(['obj', 'attr', 'feat']);
    const get = (n: string) => f64(weights[n]!);
    const h = linearRef(f64(hidden), 5, get('transform.dense.weight'), 5, get('transform.dense.bias')).map(act['gelu']!);
    const n = layerNormRef(h, 5, get('transform.LayerNorm.weight'), get('transform.LayerNorm.bias'), 1e-12);
    for (const [name, width] of [['obj', 4], ['attr', 3], ['feat', 6]] as const) {
      expect(outputs[name]!.dims).toEqual([2, 3, width]);
      const ref = linearRef(n, 5, get(`decoder_dict.${name}.weight`), width, get(`decoder_dict.${name}.bias`));
      expect(relError(f64(outputs[name]!), ref)).toBeLessThanOrEqual(1e-5);
    }
  });

  it('ties the first decoder to a [D, F] table (UNITER MRFR: h img_linear.weight + b)', async () => {
    const params = { decoders: 'feat:6' };
    const hidden = randomTensor([2, 3, 5], 13);
    const table = randomTensor([5, 6], 14);
    const { outputs, weights, info } = await runDecoders(params, { hidden, table }, ['feat']);
    expect(Object.keys(info.weights)).not.toContain('decoder_dict.feat.weight');
    const get = (n: string) => f64(weights[n]!);
    const h = linearRef(f64(hidden), 5, get('transform.dense.weight'), 5, get('transform.dense.bias')).map(act['gelu']!);
    const n = layerNormRef(h, 5, get('transform.LayerNorm.weight'), get('transform.LayerNorm.bias'), 1e-12);
    const t = f64(table);
    const tT = new Float64Array(30);
    for (let d = 0; d < 5; d++) for (let f = 0; f < 6; f++) tT[f * 5 + d] = t[d * 6 + f]!;
    expect(relError(f64(outputs['feat']!), linearRef(n, 5, tT, 6, get('decoder_dict.feat.bias')))).toBeLessThanOrEqual(1e-5);
  });

  it('counts LXMERT\'s obj_predict_head (transform + obj 1600 + attr 400 + feat 2048) and UNITER\'s tied MRFR', () => {
    const reg = createRegistry();
    const lx = analyzeGraph(decoderGraph({ decoders: 'obj:1600,attr:400,feat:2048' }, [1, 36, 768], ['obj', 'attr', 'feat']), reg);
    expect(lx.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(lx.nodes.get('n')!.paramCount).toBe(592_128 + 1_230_400 + 307_600 + 1_574_912);
    const un = analyzeGraph(decoderGraph({}, [1, 36, 768], ['features'], [768, 2048]), reg);
    expect(un.nodes.get('n')!.paramCount).toBe(594_176);
  });

  it('rejects bad decoder lists and a table of the wrong width, naming the param or port', () => {
    const reg = createRegistry();
    const dup = analyzeGraph(decoderGraph({ decoders: 'a:2,a:3' }, [1, 4, 8], ['a']), reg).problems.find((p) => p.severity === 'error')!;
    expect(dup.at.param).toBe('decoders');
    expect(dup.message).toContain('"a" is listed twice');
    const syntax = analyzeGraph(decoderGraph({ decoders: 'obj 1600' }, [1, 4, 8], []), reg).problems.find((p) => p.severity === 'error')!;
    expect(syntax.at.param).toBe('decoders');
    const table = analyzeGraph(decoderGraph({ decoders: 'feat:6' }, [1, 4, 8], ['feat'], [8, 5]), reg).problems.find((p) => p.severity === 'error')!;
    expect(table.code).toBe('MF_SHAPE_INFER');
    expect(table.at.port).toBe('table');
    const width = analyzeGraph(decoderGraph({ decoders: 'feat:6' }, [1, 4, 8], ['feat'], [7, 6]), reg).problems.find((p) => p.severity === 'error')!;
    expect(width.code).toBe('MF_SHAPE_MISMATCH');
    expect(width.message).toMatch(/"table"/);
  });

  it('rejects pooled input, naming the port', () => {
    const { problems } = analyzeNode(regionRegression, { hidden: shapeOnly([2, 768]) });
    expect(problems[0]?.code).toBe('MF_SHAPE_MISMATCH');
    expect(problems[0]?.message).toMatch(/"hidden"/);
  });
});
