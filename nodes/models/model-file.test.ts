import { describe, expect, it, vi } from 'vitest';
import { OnnxGraph, encodeModel, scanModel, writeSafetensors } from '@modalflow/onnx';
import { analyze, importGraph } from './run-imported.ts';
import { sniff } from './model-file.ts';

// Counts reads of the model (its signature scan), so the test of the per-file memo can tell a second decode from a remembered answer.
vi.mock('@modalflow/onnx', async (original) => {
  const mod = await original<typeof import('@modalflow/onnx')>();
  return { ...mod, scanModel: vi.fn(mod.scanModel) };
});

function identity(edit: (g: OnnxGraph) => void = () => {}): Uint8Array {
  const g = new OnnxGraph('id');
  g.addInput('X', 'float32', ['batch', 4]);
  g.addOutput(g.identity('X', 'Y'), 'float32', ['batch', 4]);
  edit(g);
  return encodeModel(g);
}

/** The problem analysis reports on the model node for this file. */
function problemFor(bytes: Uint8Array) {
  const a = analyze(importGraph({ feeds: {}, outputs: [] }), { net: bytes });
  return a.problems.find((p) => p.at.node === 'm');
}

const text = (s: string) => new TextEncoder().encode(s);
const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='), (c) => c.charCodeAt(0));

function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed;
  for (let k = 0; k < n; k++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[k] = s >>> 24;
  }
  return out;
}

// Each must come back as a problem on the node, never a hang or a crash: the test timeout is
// the only bound on how long that takes.
const BAD: [string, () => Uint8Array, string, RegExp][] = [
  ['an empty file', () => new Uint8Array(0), 'ONNX_EMPTY', /empty/],
  ['a truncated model', () => identity().subarray(0, 40), 'ONNX_CORRUPT', /not a readable ONNX protobuf/],
  ['random bytes', () => randomBytes(4096, 11), 'ONNX_CORRUPT', /not a readable ONNX protobuf/],
  ['a size of 2^40', () => identity((g) => (g.inputs[0]!.shape = [2 ** 40, 4])), 'MF_MODEL_BAD_DIM', /size 1099511627776 on axis 0/],
  ['rank 100', () => identity((g) => (g.inputs[0]!.shape = Array(100).fill(1))), 'MF_MODEL_BAD_DIM', /rank 100/],
  ['a PNG renamed .onnx', () => PNG, 'MF_MODEL_WRONG_TYPE', /a PNG image, not an ONNX model/],
  ['a safetensors file renamed .onnx', () => writeSafetensors({ w: { dtype: 'float32', dims: [2], data: Float32Array.of(1, 2) } }), 'MF_MODEL_WRONG_TYPE', /safetensors/],
  ['a Git LFS pointer', () => text('version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 3\n'), 'MF_MODEL_WRONG_TYPE', /git lfs pull/],
  ['a tokenizer.json', () => text('{"version":"1.0","model":{}}'), 'MF_MODEL_WRONG_TYPE', /JSON text/],
  ['a PyTorch zip checkpoint', () => Uint8Array.of(0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0), 'MF_MODEL_WRONG_TYPE', /ZIP archive/],
  ['a model with no inputs', () => constantModel(), 'MF_MODEL_NO_INPUTS', /no inputs/],
  ['a model with no outputs', () => identity((g) => g.outputs.splice(0)), 'MF_MODEL_NO_OUTPUTS', /no outputs/],
  ['an untyped output', () => identity((g) => { g.outputs[0] = { name: 'Y' }; }), 'MF_MODEL_UNTYPED_OUTPUT', /output "Y" has no recorded element type/],
  ['two inputs of one name', () => identity((g) => g.inputs.push({ name: 'X', dtype: 'float32', shape: [1] })), 'MF_MODEL_DUPLICATE_NAME', /two inputs are named "X"/],
];

function constantModel(): Uint8Array {
  const g = new OnnxGraph('const');
  g.addOutput(g.identity(g.constFloat([1, 2]), 'Y'), 'float32', [2]);
  return encodeModel(g);
}

describe('model.onnx on a bad file', () => {
  for (const [what, bytes, code, message] of BAD) {
    it(`reports ${what} as ${code}, naming the asset`, { timeout: 10_000 }, () => {
      const p = problemFor(bytes());
      expect(p).toMatchObject({ code, message: expect.stringMatching(message) });
      expect(p!.message).toContain('asset "net" (net.onnx)');
    });
  }

  it('reports the same bad file again without decoding it again', () => {
    const decode = vi.mocked(scanModel);
    const bytes = identity().subarray(0, 40);
    decode.mockClear();
    const first = problemFor(bytes);
    expect(first).toMatchObject({ code: 'ONNX_CORRUPT' });
    expect(decode).toHaveBeenCalledTimes(1);
    expect(problemFor(bytes)).toEqual(first);
    expect(decode).toHaveBeenCalledTimes(1);
    // The memo is per loaded file: the same bytes in another buffer are a new file.
    expect(problemFor(bytes.slice())).toEqual(first);
    expect(decode).toHaveBeenCalledTimes(2);
  });

  it('never mistakes a real model for another kind of file', () => {
    expect(sniff(identity())).toBeUndefined();
    expect(sniff(constantModel())).toBeUndefined();
  });
});
