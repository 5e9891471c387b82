import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { Tensor } from '@modalflow/core';
import { analyze, importGraph, runGraph } from './run-imported.ts';

// Silero VAD as @ricky0123/vad-web ships it: real exports no one here wrote. v5 leaves every
// open size unnamed; the legacy model names them (batch, sequence).
const require = createRequire(import.meta.url);
const file = (name: string) => new Uint8Array(readFileSync(require.resolve(`@ricky0123/vad-web/dist/${name}`)));

const sr: Tensor = { dtype: 'int64', dims: [], data: BigInt64Array.of(16000n) };
const zeros = (dims: number[]): Tensor => ({ dtype: 'float32', dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)) });

/** 512 samples (32 ms at 16 kHz) per row: silence, then a loud 440 Hz tone. */
function audio(rows: number): Tensor {
  const data = new Float32Array(rows * 512);
  for (let r = 1; r < rows; r++) for (let k = 0; k < 512; k++) data[r * 512 + k] = 0.5 * Math.sin((2 * Math.PI * 440 * k) / 16000);
  return { dtype: 'float32', dims: [rows, 512], data };
}

describe('model.onnx on Silero VAD (real exported models)', () => {
  it('reads v5: unnamed sizes become node symbols until `dims` names them', () => {
    const doc = importGraph({ feeds: {}, outputs: [] });
    const m = analyze(doc, { net: file('silero_vad_v5.onnx') }).nodes.get('m')!;
    expect(Object.fromEntries(Object.entries(m.inputs).map(([p, s]) => [p, [s.dtypes[0], s.shape]]))).toEqual({
      input: ['float32', ['m.input.0', 'm.input.1']],
      state: ['float32', [2, 'm.state.1', 128]],
      sr: ['int64', []],
    });
    expect(Object.fromEntries(Object.entries(m.outputs).map(([p, s]) => [p, [s.dtypes[0], s.shape]]))).toEqual({
      output: ['float32', ['m.output.0', 1]],
      stateN: ['float32', ['m.stateN.0', 'm.stateN.1', 'm.stateN.2']],
    });
  });

  it('runs v5 with the batch mapped, giving the shapes analysis promised', async () => {
    const doc = importGraph({
      feeds: { input: { dtype: 'float32', shape: 'B, 512' }, state: { dtype: 'float32', shape: '2, B, 128' }, sr: { dtype: 'int64', shape: '' } },
      outputs: ['output', 'stateN'],
      params: { dims: 'input[0]=B, state[1]=B, output[0]=B, stateN[0]=2, stateN[1]=B, stateN[2]=128' },
    });
    const bytes = file('silero_vad_v5.onnx');
    const a = analyze(doc, { net: bytes });
    expect(a.problems).toEqual([]);
    expect(a.nodes.get('m')!.outputShapes).toEqual({ output: ['B', 1], stateN: [2, 'B', 128] });
    const { outputs } = await runGraph(doc, { net: bytes }, { in_input: audio(2), in_state: zeros([2, 2, 128]), in_sr: sr });
    expect(outputs['out_output']!.dims).toEqual([2, 1]);
    expect(outputs['out_stateN']!.dims).toEqual([2, 2, 128]);
    const p = [...(outputs['out_output']!.data as Float32Array)];
    expect(p.every((v) => v >= 0 && v <= 1), String(p)).toBe(true);
    expect(p[0], 'speech probability of silence').toBeLessThan(0.5);
  });

  it('runs the legacy model, whose named batch size maps to B by default', async () => {
    const doc = importGraph({
      feeds: {
        input: { dtype: 'float32', shape: '3, 512' }, sr: { dtype: 'int64', shape: '' },
        h: { dtype: 'float32', shape: '2, 3, 64' }, c: { dtype: 'float32', shape: '2, 3, 64' },
      },
      outputs: ['output', 'hn', 'cn'],
    });
    const bytes = file('silero_vad_legacy.onnx');
    const a = analyze(doc, { net: bytes });
    expect(a.problems).toEqual([]);
    const m = a.nodes.get('m')!;
    expect(m.inputs['input']!.shape).toEqual(['B', 'm.sequence']);
    expect(m.outputShapes).toEqual({ output: [3, 1], hn: [2, 3, 64], cn: [2, 3, 64] });
    const { outputs } = await runGraph(doc, { net: bytes }, { in_input: audio(3), in_sr: sr, in_h: zeros([2, 3, 64]), in_c: zeros([2, 3, 64]) });
    expect(outputs['out_output']!.dims).toEqual([3, 1]);
    expect(outputs['out_hn']!.dims).toEqual([2, 3, 64]);
    expect(outputs['out_cn']!.dims).toEqual([2, 3, 64]);
  });
});
