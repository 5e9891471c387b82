import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { parsePbtxt } from '@modalflow/export';
import { buildClipFolder, encodePng, testImage } from '../../../../test/src/fixtures-clip-folder.ts';
import { runCli } from '../cli.ts';
import type { Io } from '../io.ts';

const ROOT = new URL('../../../../', import.meta.url).pathname;
const dir = mkdtempSync(path.join(tmpdir(), 'modalflow-triton-'));
const clip = buildClipFolder();
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  clip.remove();
});

function io(): Io & { stdout: string; stderr: string } {
  const o = { stdout: '', stderr: '', errIsTTY: false, cwd: ROOT, out: (t: string) => void (o.stdout += t), err: (t: string) => void (o.stderr += t) };
  return o;
}

type JsonTensor = { dtype: string; shape: number[]; data: (number | string)[] };
const ORT_TYPES: Record<string, ort.Tensor.Type> = { float32: 'float32', int64: 'int64', int32: 'int32', uint8: 'uint8', bool: 'bool', string: 'string' };
function toOrt(t: JsonTensor): ort.Tensor {
  const type = ORT_TYPES[t.dtype]!;
  const data =
    type === 'int64' ? BigInt64Array.from(t.data.map((v) => BigInt(v)))
    : type === 'float32' ? Float32Array.from(t.data as number[])
    : type === 'int32' ? Int32Array.from(t.data as number[])
    : type === 'uint8' || type === 'bool' ? Uint8Array.from(t.data as number[])
    : (t.data as string[]);
  return new ort.Tensor(type, data as never, t.shape);
}

/**
 * Runs a repository's ensemble as Triton would: each step's model through onnxruntime-node in
 * the order of ensemble_scheduling, tensors passed by the names in input_map and output_map.
 */
async function runEnsemble(repo: string, name: string, inputs: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const ensemble = parsePbtxt(readFileSync(path.join(repo, name, 'config.pbtxt'), 'utf8')) as {
    output: { name: string }[];
    ensemble_scheduling: { step: { model_name: string; input_map: Record<string, string>; output_map: Record<string, string> }[] };
  };
  const values = new Map(Object.entries(inputs));
  for (const step of ensemble.ensemble_scheduling.step) {
    const config = parsePbtxt(readFileSync(path.join(repo, step.model_name, 'config.pbtxt'), 'utf8')) as { backend: string; input: { name: string }[] };
    expect(config.backend).toBe('onnxruntime');
    const session = await ort.InferenceSession.create(path.join(repo, step.model_name, '1', 'model.onnx'));
    const feeds: Record<string, ort.Tensor> = {};
    for (const [key, value] of Object.entries(step.input_map)) {
      if (!values.has(value)) throw new Error(`step ${step.model_name} reads "${value}", which nothing has produced`);
      feeds[key] = values.get(value)!;
    }
    const out = await session.run(feeds, Object.keys(step.output_map));
    for (const [key, value] of Object.entries(step.output_map)) values.set(value, out[key]!);
    await session.release();
  }
  return Object.fromEntries(ensemble.output.map((o) => [o.name, values.get(o.name)!]));
}

async function check(graph: string, name: string, extra: string[], runArgs: string[]): Promise<string> {
  const repo = path.join(dir, name);
  const exp = io();
  expect(await runCli(['export', 'triton', graph, '-o', repo, ...extra], exp), exp.stderr).toBe(0);
  // Every config parses against Triton's schema and every model loads.
  const configs = readdirSync(repo).filter((d) => !d.endsWith('.md'));
  for (const d of configs) {
    const config = parsePbtxt(readFileSync(path.join(repo, d, 'config.pbtxt'), 'utf8'));
    expect(config.name).toBe(d);
    if (config.platform !== 'ensemble') await (await ort.InferenceSession.create(path.join(repo, d, '1', 'model.onnx'))).release();
  }
  const readme = readFileSync(path.join(repo, 'README.md'), 'utf8');
  // The client sends what the host steps left to it would have made: taken from `modalflow run` as taps.
  const ensemble = parsePbtxt(readFileSync(path.join(repo, name, 'config.pbtxt'), 'utf8')) as { input: { name: string }[]; output: { name: string }[] };
  const run = io();
  const taps = [...ensemble.input, ...ensemble.output].map((t) => t.name).filter((n) => n.includes('.'));
  expect(await runCli(['run', graph, ...runArgs, ...taps.flatMap((t) => ['--tap', t]), '--json', '-q', '--providers', 'cpu', ...extra.filter((a) => a !== '--max-batch-size')], run), run.stderr).toBe(0);
  const result = JSON.parse(run.stdout) as { outputs: Record<string, JsonTensor>; taps?: Record<string, JsonTensor> };
  const feeds: Record<string, ort.Tensor> = {};
  // Every ensemble input here is a host step's result (the graph's own inputs all go through one).
  for (const i of ensemble.input) feeds[i.name] = toOrt(result.taps![i.name]!);
  const got = await runEnsemble(repo, name, feeds);
  for (const o of ensemble.output) {
    const want = o.name.includes('.') ? result.taps![o.name]! : result.outputs[o.name]!;
    expect([...got[o.name]!.dims]).toEqual(want.shape);
    Array.from(got[o.name]!.data as Float32Array).forEach((v, k) => expect(v).toBeCloseTo(want.data[k] as number, 5));
  }
  return readme;
}

describe('modalflow export triton', () => {
  it('late fusion: the ensemble, step by step in onnxruntime, gives what modalflow run gives', async () => {
    const text = JSON.parse(readFileSync(`${ROOT}examples/late-fusion/text.json`, 'utf8'));
    const image = JSON.parse(readFileSync(`${ROOT}examples/late-fusion/image.json`, 'utf8'));
    const repo = path.join(dir, 'late-fusion');
    const exp = io();
    expect(await runCli(['export', 'triton', 'examples/late-fusion/graph.json', '-o', repo], exp)).toBe(0);
    const got = await runEnsemble(repo, 'late-fusion', {
      text: new ort.Tensor('float32', Float32Array.from(text.flat()), [2, 16]),
      image: new ort.Tensor('float32', Float32Array.from(image.flat()), [2, 32]),
    });
    const run = io();
    await runCli(['run', 'examples/late-fusion/graph.json', '-i', 'text=examples/late-fusion/text.json', '-i', 'image=examples/late-fusion/image.json', '--json', '-q', '--providers', 'cpu'], run);
    const want = JSON.parse(run.stdout).outputs as Record<string, JsonTensor>;
    expect(Object.keys(got).sort()).toEqual(['logits', 'probs']);
    for (const [k, t] of Object.entries(got)) {
      expect([...t.dims]).toEqual(want[k]!.shape);
      Array.from(t.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(want[k]!.data[i] as number, 6));
    }
    const readme = readFileSync(path.join(repo, 'README.md'), 'utf8');
    expect(readme).toContain('Every step of the graph is in the ensemble');
    for (const d of readdirSync(repo).filter((f) => !f.endsWith('.md'))) expect(() => parsePbtxt(readFileSync(path.join(repo, d, 'config.pbtxt'), 'utf8'))).not.toThrow();
  });

  it('zero-shot CLIP: tokeniser and preprocessing are left to the client, as the README says, and the rest matches', async () => {
    const png = path.join(dir, 'cat.png');
    writeFileSync(png, encodePng(testImage(40, 48, 3).data as Uint8Array, 40, 48));
    const readme = await check('examples/clip-zero-shot/graph.json', 'clip-zero-shot', ['--model-dir', clip.dir], ['-i', `image=${png}`, '-i', 'labels=a cat, a dog, a car']);
    expect(readme).toMatch(/pre-tokenised/);
    expect(readme).toMatch(/text\.tokenize/);
  });
});
