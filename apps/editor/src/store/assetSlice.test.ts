import { describe, expect, it } from 'vitest';
import { NodeRegistry, defineNode, emptyGraph, sha256Hex, tensor, type GraphDoc } from '@modalflow/core';
import { createEditorStore } from './createEditorStore.ts';
import { fxInput, fxOutput } from '../test/fixtures.ts';

/** A node whose ports come from a file: `ports()` reads the asset its param names. */
const fromFile = defineNode({
  type: 'model.fx_file', version: 1, category: 'layers', title: 'Model from a file',
  inputs: {}, outputs: {},
  params: { model: { kind: 'string', default: '', description: '' } },
  ports: ({ params, asset }) => {
    const a = asset(params.model);
    if (!a) throw new Error(`asset "${params.model}" is not loaded`);
    const width = a.bytes.length;
    return { inputs: { x: tensor('float32', ['B', width]) }, outputs: { y: tensor('float32', ['B', width]) } };
  },
  lower: () => ({}),
});

const registry = new NodeRegistry([fxInput, fxOutput, fromFile]);
const bytes = new Uint8Array(8);

function doc(sha256?: string): GraphDoc {
  return {
    ...emptyGraph('assets'),
    nodes: [
      { id: 'in', type: 'input.fx', typeVersion: 1, params: {} },
      { id: 'm', type: 'model.fx_file', typeVersion: 1, params: { model: 'weights' } },
    ],
    edges: [{ from: ['in', 'value'], to: ['m', 'x'] }],
    assets: { weights: { uri: 'onnx/model.onnx', ...(sha256 ? { sha256 } : {}) } },
  };
}

describe('assets', () => {
  it('keeps edges to a node whose ports are unknown until its file is loaded, then checks them', () => {
    const store = createEditorStore({ registry, doc: doc() });
    const before = store.getState().nodeViews.get('m')!;
    expect(before.inputs).toMatchObject([{ name: 'x', unknown: true }]);
    const { loaded, problems } = store.getState().loadAssetFiles([{ name: 'model.onnx', bytes }]);
    expect([loaded, problems]).toEqual([['weights'], []]);
    const after = store.getState().nodeViews.get('m')!;
    expect(after.inputs).toMatchObject([{ name: 'x', shape: 'B×8' }]);
    expect(after.outputs).toMatchObject([{ name: 'y', shape: 'B×8' }]);
    expect(store.getState().analysis.problems.filter((p) => p.severity !== 'warning')).toEqual([]);
  });

  it('refuses a file that is not listed or whose hash differs', () => {
    const store = createEditorStore({ registry, doc: doc('0'.repeat(64)) });
    const r = store.getState().loadAssetFiles([{ name: 'model.onnx', bytes }, { name: 'other.bin', bytes }]);
    expect(r.loaded).toEqual([]);
    expect(r.problems.map((p) => p.code)).toEqual(['MF_ASSET_HASH', 'MF_UNKNOWN_ASSET']);
    const ok = createEditorStore({ registry, doc: doc(sha256Hex(bytes)) });
    expect(ok.getState().loadAssetFiles([{ name: 'weights.onnx', bytes }]).loaded).toEqual(['weights']);
  });

  it('binds files by asset name, checking a recorded hash only when asked', () => {
    const store = createEditorStore({ registry, doc: doc('0'.repeat(64)) });
    const other = new Uint8Array(8).fill(1);
    const checked = store.getState().bindAssets([{ asset: 'weights', file: 'onnx/model.onnx', bytes: other, checkHash: true }]);
    expect(checked.problems.map((p) => p.code)).toEqual(['MF_ASSET_HASH']);
    const variant = store.getState().bindAssets([
      { asset: 'weights', file: 'onnx/model_quantized.onnx', bytes: other, checkHash: false, sha256: 'f'.repeat(64) },
      { asset: 'nope', file: 'x.json', bytes: other, checkHash: false },
    ]);
    expect(variant).toEqual({ loaded: ['weights'], problems: [expect.objectContaining({ code: 'MF_UNKNOWN_ASSET' })] });
    expect(store.getState().assets.get('weights')).toMatchObject({ uri: 'onnx/model.onnx', sha256: 'f'.repeat(64) });
    expect(store.getState().nodeViews.get('m')!.inputs).toMatchObject([{ name: 'x', shape: 'B×8' }]);
  });
});
