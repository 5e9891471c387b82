/**
 * `--weights-map`: OpenAI CLIP's own state_dict (the parity fixture of examples/clip, at the
 * tiny size) runs through `modalflow run examples/clip/tiny.json --weights-map openai` and gives
 * OpenAI's logits; the report names what the map left out.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeNpy, type Tensor } from '@modalflow/core';
import { readSafetensors, writeSafetensors } from '@modalflow/onnx';
import { runCli } from './cli.ts';
import type { Io } from './io.ts';

const ROOT = path.resolve(fileURLToPath(import.meta.url), '../../../..');
const GRAPH = path.join(ROOT, 'examples/clip/tiny.json');
const fixture = readSafetensors(readFileSync(path.join(ROOT, 'examples/clip/parity/fixture.safetensors')));
const dir = mkdtempSync(path.join(tmpdir(), 'modalflow-weights-map-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function checkpoint(drop: string[] = []): string {
  const state = new Map<string, Tensor>();
  for (const [k, t] of fixture.tensors) if (k.startsWith('state.') && !drop.includes(k.slice(6))) state.set(k.slice(6), t);
  const file = path.join(dir, `clip-${drop.length}.safetensors`);
  writeFileSync(file, writeSafetensors(state));
  return file;
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { out: (s) => (out += s), err: (s) => (err += s), errIsTTY: false, cwd: ROOT };
  const code = await runCli(args, io);
  return { code, out, err };
}

const image = path.join(dir, 'image.npy');
writeFileSync(image, writeNpy(fixture.tensors.get('input.image')!));
const captions = JSON.parse(fixture.metadata['captions']!) as string[];
const inputs = ['--device', 'cpu', '-i', `image=${image}`, '-i', `text=${JSON.stringify(captions)}`, '--json', '-q'];

describe('modalflow run --weights-map', () => {
  it("places every key of OpenAI's state_dict and gives its logits", async () => {
    const { code, out, err } = await run(['run', GRAPH, '--weights', checkpoint(), '--weights-map', 'openai', ...inputs]);
    expect(err).toMatch(/weights map \S*examples\/clip\/weights-maps\/openai\.json: 78 of 78 graph weights .* 0 checkpoint keys not placed, 0 dropped by the map, 0 weights left seeded/);
    expect(code).toBe(0);
    const logits = (JSON.parse(out) as { outputs: Record<string, { data: number[] }> }).outputs['logits_per_image']!.data;
    const expected = fixture.tensors.get('output.logits_per_image')!.data as Float32Array;
    expected.forEach((v, k) => expect(Math.abs(logits[k]! - v)).toBeLessThan(1e-4 * Math.max(1, Math.abs(v))));
  });

  it('names every key it could not place and every weight left seeded', async () => {
    const file = path.join(dir, 'partial-map.json');
    const map = JSON.parse(readFileSync(path.join(ROOT, 'examples/clip/weights-maps/openai.json'), 'utf8')) as { rules: { from: string }[] };
    map.rules = map.rules.filter((r) => r.from !== 'logit_scale');
    writeFileSync(file, JSON.stringify(map));
    const { code, err } = await run(['run', GRAPH, '--weights', checkpoint(['ln_final.bias']), '--weights-map', file, ...inputs]);
    expect(code).toBe(0);
    expect(err).toMatch(/1 checkpoint keys not placed, 0 dropped by the map, 2 weights left seeded/);
    expect(err).toContain('not placed: logit_scale (no rule of the map matches it)');
    expect(err).toContain('seeded: text_encoder.final_layer_norm.bias');
    expect(err).toContain('seeded: similarity.logit_scale');
  });

  it('lists the maps beside the graph when the name is unknown', async () => {
    const { code, err } = await run(['run', GRAPH, '--weights', checkpoint(), '--weights-map', 'nope', ...inputs]);
    expect(code).toBe(1);
    expect(err).toMatch(/MF_FILE_NOT_FOUND: no weights map "nope" .* it has: hf, openai/);
  });

  it('converts a checkpoint to the graph\'s names once with weights export', async () => {
    const out = path.join(dir, 'converted.safetensors');
    const { code, err } = await run(['weights', 'export', GRAPH, '--weights', checkpoint(), '--weights-map', 'openai', '-o', out]);
    expect(code).toBe(0);
    expect(err).toMatch(/78 of 78 graph weights/);
    const converted = readSafetensors(readFileSync(out)).tensors;
    expect(converted.size).toBe(78);
    const scale = converted.get('similarity.logit_scale')!.data as Float32Array;
    const half = fixture.tensors.get('state.logit_scale')!;
    expect(half.dtype).toBe('float16');
    expect(scale[0]).toBeCloseTo(Math.log(1 / 0.07) + 0.25, 2);
    const rerun = await run(['run', GRAPH, '--weights', out, ...inputs]);
    expect(rerun.code).toBe(0);
    const logits = (JSON.parse(rerun.out) as { outputs: Record<string, { data: number[] }> }).outputs['logits_per_image']!.data;
    const expected = fixture.tensors.get('output.logits_per_image')!.data as Float32Array;
    expected.forEach((v, k) => expect(Math.abs(logits[k]! - v)).toBeLessThan(1e-4 * Math.max(1, Math.abs(v))));
  });

  it('refuses a map without a weights file', async () => {
    const { code, err } = await run(['run', GRAPH, '--weights-map', 'openai', ...inputs]);
    expect(code).toBe(2);
    expect(err).toContain('--weights-map renames the tensors of a weights file');
  });

  it('reports a malformed map with its field', async () => {
    const file = path.join(dir, 'bad-map.json');
    writeFileSync(file, JSON.stringify({ format: 'modalflow.weights-map', version: 1, title: 'x', rules: [{ from: '(', to: 'a' }] }));
    const { code, err } = await run(['run', GRAPH, '--weights', checkpoint(), '--weights-map', file, ...inputs]);
    expect(code).toBe(1);
    expect(err).toMatch(/MF_BAD_WEIGHTS_MAP: "from" is not a regular expression.*at \/rules\/0\/from/);
  });
});
