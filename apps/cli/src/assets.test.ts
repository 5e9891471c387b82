import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxGraph, encodeModel } from '@modalflow/onnx';
import { runCli } from './cli.ts';
import type { Io } from './io.ts';

// In-process runs: each spawned CLI would pay for loading the graph libraries again.
async function modalflow(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (t) => void (stdout += t), err: (t) => void (stderr += t), errIsTTY: false, cwd };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

/** Y = X * factor over [batch, 4]. */
function scale(factor: number, names = { x: 'X', y: 'Y' }): Uint8Array {
  const g = new OnnxGraph('scale');
  g.addInput(names.x, 'float32', ['batch', 4]);
  g.addOutput(g.op('Mul', [names.x, g.scalarFloat(factor)], {}, { outputName: names.y }), 'float32', ['batch', 4]);
  return encodeModel(g);
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function graph(assets: Record<string, { uri: string; sha256?: string }>, model = 'net', port = { x: 'X', y: 'Y' }) {
  return {
    format: 'modalflow.graph', version: 1, meta: { title: 'imported' },
    nodes: [
      { id: 'x', type: 'input.tensor', typeVersion: 1, params: { dtype: 'float32', shape: 'B, 4' } },
      { id: 'm', type: 'model.onnx', typeVersion: 1, params: { model } },
      { id: 'y', type: 'output.tensor', typeVersion: 1, params: {} },
    ],
    edges: [{ from: ['x', 'value'], to: ['m', port.x] }, { from: ['m', port.y], to: ['y', 'value'] }],
    assets,
  };
}

let tmp: string;
const TWICE = scale(2);
function write(rel: string, content: string | Uint8Array): string {
  const file = path.join(tmp, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, typeof content === 'string' ? content : content);
  return file;
}
const writeGraph = (rel: string, g: unknown) => write(rel, JSON.stringify(g, null, 2));
const X = '-i x=[[1,2,3,4]]';
const values = (stdout: string, name = 'y') => JSON.parse(stdout).outputs[name].data;

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'modalflow-assets-'));
  write('g/models/twice.onnx', TWICE);
  writeGraph('g/graph.json', graph({ net: { uri: 'models/twice.onnx', sha256: sha(TWICE) } }));
  writeGraph('g/bad-hash.json', graph({ net: { uri: 'models/twice.onnx', sha256: '0'.repeat(64) } }));
  writeGraph('g/missing.json', graph({ net: { uri: 'models/gone.onnx' } }));
  writeGraph('g/escape.json', graph({ net: { uri: '../outside.onnx' } }));
  write('outside.onnx', TWICE);
  write('thrice.onnx', scale(3));
  write('clip/onnx/text_model.onnx', scale(5, { x: 'input_ids', y: 'text_embeds' }));
  write('clip/onnx/text_model_quantized.onnx', scale(7, { x: 'input_ids', y: 'text_embeds' }));
  write('clip/tokenizer.json', '{"model":{}}');
  writeGraph('hf/graph.json', graph({ text: { uri: 'clip/onnx/text_model.onnx' }, tok: { uri: 'clip/tokenizer.json' } }, 'text', { x: 'input_ids', y: 'text_embeds' }));
  writeGraph('hf/no-layout.json', graph({ net: { uri: 'net.onnx' } }));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.concurrent("the graph's assets", () => {
  it('are read beside the graph, from any working directory, for validate, inspect, compile and run', async () => {
    const v = await modalflow(['validate', 'g/graph.json'], tmp);
    expect(v.code, v.stdout).toBe(0);
    const i = await modalflow(['inspect', path.join(tmp, 'g/graph.json'), '--json'], '/');
    expect(i.code, i.stderr).toBe(0);
    expect(JSON.parse(i.stdout).nodes.find((n: { id: string }) => n.id === 'm').outputs).toEqual({ Y: { dtype: 'float32', shape: ['B', 4] } });
    const r = await modalflow(['run', 'graph.json', ...X.split(' '), '--device', 'cpu', '--json', '-q'], path.join(tmp, 'g'));
    expect(r.code, r.stderr).toBe(0);
    expect(values(r.stdout)).toEqual([2, 4, 6, 8]);
  });

  it('compile -o writes the imported model as its stage file', async () => {
    const out = path.join(tmp, 'out-plain');
    const c = await modalflow(['compile', 'g/graph.json', '-o', out], tmp);
    expect(c.code, c.stderr).toBe(0);
    const plan = JSON.parse(readFileSync(path.join(out, 'plan.json'), 'utf8'));
    expect(plan.stages).toMatchObject([{ kind: 'onnx', external: { asset: 'net' } }]);
    expect(new Uint8Array(readFileSync(path.join(out, plan.stages[0].model)))).toEqual(TWICE);
    expect(c.stdout).toMatch(/asset "net"/);
  });

  it('names a missing file and how to supply it', async () => {
    const v = await modalflow(['validate', 'g/missing.json'], tmp);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/MF_FILE_NOT_FOUND: asset "net" is "models\/gone.onnx", but g\/models\/gone.onnx does not exist; .*--asset net=<file>/);
    const r = await modalflow(['run', 'g/missing.json', ...X.split(' ')], tmp);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/MF_FILE_NOT_FOUND: asset "net"/);
  });

  it('refuses a file whose sha256 differs, naming the asset and both hashes', async () => {
    for (const command of [['validate'], ['inspect'], ['compile', '-o', path.join(tmp, 'never')], ['run', ...X.split(' ')]]) {
      const [name, ...rest] = command;
      const r = await modalflow([name!, 'g/bad-hash.json', ...rest], tmp);
      expect(r.code, name).toBe(1);
      expect(r.stdout + r.stderr).toMatch(new RegExp(`MF_ASSET_HASH: asset "net": g/models/twice.onnx has sha256 ${sha(TWICE)}, but the graph records ${'0'.repeat(64)}`));
    }
  });

  it('never reads a file outside the graph folder', async () => {
    const v = await modalflow(['validate', 'g/escape.json', '--json'], tmp);
    expect(v.code).toBe(1);
    const codes = JSON.parse(v.stdout).problems.map((p: { code: string }) => p.code);
    expect(codes).toContain('MF_ASSET_ESCAPES');
    expect(codes).toContain('MF_ASSET_NOT_LOADED');
  });
});

describe.concurrent('--asset', () => {
  it('replaces one asset with a file of the user, without the recorded hash', async () => {
    for (const g of ['g/missing.json', 'g/bad-hash.json']) {
      const r = await modalflow(['run', g, '--asset', 'net=thrice.onnx', ...X.split(' '), '--json', '-q'], tmp);
      expect(r.code, r.stderr).toBe(0);
      expect(values(r.stdout)).toEqual([3, 6, 9, 12]);
    }
  });

  it('is a usage error when malformed, repeated or naming no asset', async () => {
    for (const [args, message] of [
      [['--asset', 'net'], /--asset "net" must look like name=path/],
      [['--asset', 'nope=thrice.onnx'], /the graph has no asset of that name \(assets: net\)/],
      [['--asset', 'net=a.onnx', '--asset', 'net=b.onnx'], /given more than once/],
    ] as const) {
      const r = await modalflow(['validate', 'g/graph.json', ...args], tmp);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it('names the file it could not find', async () => {
    const r = await modalflow(['inspect', 'g/graph.json', '--asset', 'net=nowhere.onnx'], tmp);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/MF_FILE_NOT_FOUND: asset "net" file ".*nowhere.onnx" does not exist/);
  });
});

describe.concurrent('--model-dir', () => {
  const dir = () => path.join(tmp, 'clip');

  it('takes the layout files from the folder by name', async () => {
    const r = await modalflow(['run', 'hf/graph.json', '--model-dir', dir(), ...X.split(' '), '--json', '-q'], tmp);
    expect(r.code, r.stderr).toBe(0);
    expect(values(r.stdout)).toEqual([5, 10, 15, 20]);
  });

  it('--variant picks onnx/<name>_<variant>.onnx', async () => {
    const r = await modalflow(['run', 'hf/graph.json', '--model-dir', dir(), '--variant', 'quantized', ...X.split(' '), '--json', '-q'], tmp);
    expect(r.code, r.stderr).toBe(0);
    expect(values(r.stdout)).toEqual([7, 14, 21, 28]);
    const out = path.join(tmp, 'out-q');
    const c = await modalflow(['compile', 'hf/graph.json', '--model-dir', dir(), '--variant', 'quantized', '-o', out], tmp);
    expect(c.code, c.stderr).toBe(0);
    const plan = JSON.parse(readFileSync(path.join(out, 'plan.json'), 'utf8'));
    expect(readFileSync(path.join(out, plan.stages[0].model))).toEqual(readFileSync(path.join(dir(), 'onnx/text_model_quantized.onnx')));
  });

  it('names the file a variant needs and what the folder has', async () => {
    const r = await modalflow(['validate', 'hf/graph.json', '--model-dir', dir(), '--variant', 'fp16'], tmp);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/MF_FILE_NOT_FOUND: asset "text" \("clip\/onnx\/text_model.onnx"\) is taken from --model-dir, but .*onnx\/text_model_fp16.onnx does not exist \(onnx\/ has: text_model.onnx, text_model_quantized.onnx\)/);
  });

  it('is a usage error without a matching asset, and --variant needs it', async () => {
    const none = await modalflow(['validate', 'hf/no-layout.json', '--model-dir', dir()], tmp);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no asset of the graph is a model-folder file/);
    const alone = await modalflow(['validate', 'hf/graph.json', '--variant', 'fp16'], tmp);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--variant picks a file of --model-dir/);
  });
});

describe('a real model from npm', () => {
  it('runs Silero VAD v5 given with --asset, with the shapes the model declares', async () => {
    const vad = createRequire(import.meta.url).resolve('@ricky0123/vad-web/dist/silero_vad_v5.onnx');
    const g = {
      format: 'modalflow.graph', version: 1, meta: { title: 'vad' },
      nodes: [
        { id: 'audio', type: 'input.tensor', typeVersion: 1, params: { dtype: 'float32', shape: '1, 512' } },
        { id: 'state', type: 'input.tensor', typeVersion: 1, params: { dtype: 'float32', shape: '2, 1, 128' } },
        { id: 'sr', type: 'input.tensor', typeVersion: 1, params: { dtype: 'int64', shape: '' } },
        { id: 'vad', type: 'model.onnx', typeVersion: 1, params: { model: 'vad' } },
        { id: 'speech', type: 'output.tensor', typeVersion: 1, params: {} },
        { id: 'next', type: 'output.tensor', typeVersion: 1, params: {} },
      ],
      edges: [
        { from: ['audio', 'value'], to: ['vad', 'input'] },
        { from: ['state', 'value'], to: ['vad', 'state'] },
        { from: ['sr', 'value'], to: ['vad', 'sr'] },
        { from: ['vad', 'output'], to: ['speech', 'value'] },
        { from: ['vad', 'stateN'], to: ['next', 'value'] },
      ],
      assets: { vad: { uri: 'silero_vad.onnx' } },
    };
    writeGraph('vad/graph.json', g);
    write('vad/state.json', JSON.stringify([[Array(128).fill(0)], [Array(128).fill(0)]]));
    write('vad/audio.json', JSON.stringify([Array(512).fill(0)]));
    const r = await modalflow(
      ['run', 'vad/graph.json', '--asset', `vad=${vad}`, '-i', 'audio=vad/audio.json', '-i', 'state=vad/state.json', '-i', 'sr=16000', '--json', '-q'],
      tmp,
    );
    expect(r.code, r.stderr).toBe(0);
    const { outputs } = JSON.parse(r.stdout);
    expect(outputs.speech.shape).toEqual([1, 1]);
    expect(outputs.next.shape).toEqual([2, 1, 128]);
  });
});
