import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { writeNpy } from '@modalflow/core';
import { readSafetensors } from '@modalflow/onnx';
import { runCli } from '../cli.ts';
import type { Io } from '../io.ts';

/**
 * `modalflow train` end to end on a tiny image + feature classifier: a JSONL manifest of PNG
 * and .npy files written to a temporary folder, run in-process through runCli.
 */

let dir: string;
const ROWS = 8;

const node = (id: string, type: string, params: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({ id, type, typeVersion: 1, params, ...extra });
const edge = (from: string, to: string) => ({ from: from.split('.'), to: to.split('.') });

/** photo -> resize -> patch embedding -> mean pool, concatenated with a feature vector, classified; cross-entropy on the label. */
function graph(withLoss = true) {
  const nodes = [
    node('photo', 'input.image'),
    node('feat', 'input.tensor', { shape: 'B, 4' }),
    node('pre', 'preprocess.image', { resize: 8, crop: 8 }),
    node('patch', 'encoder.patch_embed', { patch: 4, dim: 8, image_size: 8 }),
    node('pool', 'pool.mean'),
    node('fuse', 'fusion.concat'),
    node('head', 'head.classifier', { classes: 2 }),
    node('probs', 'output.tensor'),
  ];
  const edges = [
    edge('photo.pixels', 'pre.image'),
    edge('pre.pixel_values', 'patch.pixels'),
    edge('patch.tokens', 'pool.x'),
    edge('pool.pooled', 'fuse.a'),
    edge('feat.value', 'fuse.b'),
    edge('fuse.h', 'head.x'),
    edge('head.probs', 'probs.value'),
  ];
  if (withLoss) {
    nodes.push(node('label', 'input.tensor', { dtype: 'int64', shape: 'B' }), node('ce', 'loss.cross_entropy', {}, { objective: 1 }));
    edges.push(edge('head.logits', 'ce.logits'), edge('label.value', 'ce.targets'));
  }
  return { format: 'modalflow.graph', version: 1, meta: { title: 'tiny classifier' }, seed: 4, nodes, edges };
}

function png(k: number): Uint8Array {
  const img = new PNG({ width: 8, height: 8 });
  for (let p = 0; p < 64; p++) {
    img.data[4 * p] = (k * 40 + p) % 256;
    img.data[4 * p + 1] = k % 2 ? 200 : 20;
    img.data[4 * p + 2] = (p * 3) % 256;
    img.data[4 * p + 3] = 255;
  }
  return PNG.sync.write(img);
}

const row = (k: number, photo = `img${k}.png`, feat = `f${k}.npy`) => JSON.stringify({ photo, feat, label: k % 2 });
const write = (name: string, data: string | Uint8Array) => writeFileSync(path.join(dir, name), data);

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'modalflow-train-'));
  write('graph.json', JSON.stringify(graph()));
  write('no-loss.json', JSON.stringify(graph(false)));
  const rows: string[] = [];
  for (let k = 0; k < ROWS; k++) {
    write(`img${k}.png`, png(k));
    write(`f${k}.npy`, writeNpy({ dtype: 'float32', dims: [4], data: Float32Array.from([k / 8, -k / 8, k % 2, 1]) }));
    rows.push(row(k));
  }
  write('train.jsonl', rows.join('\n') + '\n');
  write('wide.npy', writeNpy({ dtype: 'float32', dims: [5], data: new Float32Array(5) }));
  // Row 6 (line 6) names a picture that is not there; in the other, row 4 has a 5-wide feature.
  write('missing.jsonl', rows.map((r, k) => (k === 5 ? row(k, 'nowhere.png') : r)).join('\n') + '\n');
  write('wrong-shape.jsonl', rows.map((r, k) => (k === 3 ? row(k, undefined, 'wide.npy') : r)).join('\n') + '\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  out: string;
  err: string;
}

/** Runs the CLI in-process; `onErr` sees each stderr write as it happens. */
async function cli(args: string[], onErr?: (text: string) => void): Promise<Run> {
  let out = '';
  let err = '';
  const io: Io = {
    out: (t) => void (out += t),
    err: (t) => {
      err += t;
      onErr?.(t);
    },
    errIsTTY: false,
    cwd: dir,
  };
  const code = await runCli(args, io);
  return { code, out, err };
}

const TRAIN = ['train', 'graph.json', '--data', 'train.jsonl', '--batch-size', '4', '--device', 'cpu', '--lr', '0.05'];
const weightsOf = (file: string) => readSafetensors(readFileSync(path.join(dir, file))).tensors;

describe('modalflow train', () => {
  it('trains, reports progress and writes weights that run --weights accepts', async () => {
    const r = await cli([...TRAIN, '--steps', '4', '--verbose', '--out', 'trained.safetensors']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('training 5 weights (0 frozen) on 8 examples, 2 batches of 4 per epoch, 4 steps');
    expect(r.err).toContain('objective: ce.loss');
    expect(r.err).toMatch(/step 4 \[#+\] 4\/4 · loss \d/);
    expect(r.err).toContain('wrote 5 weights to trained.safetensors');
    const trained = weightsOf('trained.safetensors');
    expect([...trained.keys()].sort()).toEqual(['head.bias', 'head.weight', 'patch.class_embedding', 'patch.patch_embedding.weight', 'patch.position_embedding.weight'].sort());

    // The loss reads the label, so it is a stage of its own that nothing reads: run must skip it, not fail.
    const run = ['run', 'graph.json', '--device', 'cpu', '--json', '-i', 'photo=img1.png', '-i', 'feat=[[0.125, -0.125, 1, 1]]', '-i', 'label=[1]'];
    const seeded = await cli(run);
    const withTrained = await cli([...run, '--weights', 'trained.safetensors']);
    expect(seeded.code, seeded.err).toBe(0);
    expect(withTrained.code, withTrained.err).toBe(0);
    const probs = (r: Run) => (JSON.parse(r.out) as { outputs: Record<string, { data: number[] }> }).outputs['probs']!.data;
    expect(probs(withTrained)).toHaveLength(2);
    expect(probs(withTrained)).not.toEqual(probs(seeded));
  });

  it('--json prints one JSON object per step and a final summary', async () => {
    const r = await cli([...TRAIN, '--steps', '3', '--json']);
    expect(r.code, r.err).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(lines.map((l) => l['type'])).toEqual(['step', 'step', 'step', 'done']);
    expect(lines.slice(0, 3).map((l) => l['step'])).toEqual([1, 2, 3]);
    for (const l of lines.slice(0, 3)) {
      expect(Number.isFinite(l['loss'])).toBe(true);
      expect(l['examples']).toBe(4);
      expect(l['metrics']['ce.loss']).toBe(l['loss']);
    }
    expect(lines[3]).toMatchObject({ type: 'done', steps: 3, loss: lines[2]!['loss'], provider: 'cpu' });
    expect(r.err).not.toContain('step 1 [');
  });

  it('usage errors exit 2', async () => {
    const noData = await cli(['train', 'graph.json', '--steps', '2']);
    expect(noData.code).toBe(2);
    const both = await cli([...TRAIN, '--steps', '2', '--epochs', '1']);
    expect(both.code).toBe(2);
    expect(both.err).toContain('give exactly one of --steps N or --epochs E');
    const neither = await cli(TRAIN);
    expect(neither.code).toBe(2);
    const badSteps = await cli([...TRAIN, '--steps', '0']);
    expect(badSteps.code).toBe(2);
    expect(badSteps.err).toContain('--steps must be a whole number >= 1, got "0"');
  });

  it('a graph that cannot be trained exits 1 with a coded error', async () => {
    const r = await cli(['train', 'no-loss.json', '--data', 'train.jsonl', '--steps', '2']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('MF_TRAIN_NO_OBJECTIVE');
    expect(r.err).toContain('no-loss.json');
  });

  it('a manifest row naming a missing image file: exit 1 naming the manifest, line and column', async () => {
    const r = await cli([...TRAIN, '--steps', '2', '--data', 'missing.jsonl']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('MF_DATA_MISSING_FILE');
    expect(r.err).toContain('missing.jsonl');
    expect(r.err).toContain('nowhere.png');
    expect(r.err).toContain('line 6, column "photo"');
  });

  it('a manifest row with a wrongly shaped array: exit 1 naming the manifest, line and column', async () => {
    const r = await cli([...TRAIN, '--steps', '2', '--data', 'wrong-shape.jsonl']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('MF_DATA_SHAPE');
    expect(r.err).toContain('wrong-shape.jsonl');
    expect(r.err).toContain('line 4, column "feat"');
  });

  it('--checkpoint + --resume continue a run to bit-identical weights', async () => {
    const base = [...TRAIN, '--steps', '6', '--optimizer', 'adamw', '--schedule', 'cosine', '--warmup', '2'];
    const straight = await cli([...base, '--out', 'straight.safetensors']);
    expect(straight.code, straight.err).toBe(0);

    // The same run checkpointing every 3 steps; the step-3 file is kept as an interrupted run would leave it.
    const copyAtStep3 = (text: string) => {
      if (text.startsWith('checkpoint at step 3:')) copyFileSync(path.join(dir, 'run.ckpt'), path.join(dir, 'step3.ckpt'));
    };
    const again = await cli([...base, '--checkpoint', 'run.ckpt', '--checkpoint-every', '3', '--out', 'again.safetensors'], copyAtStep3);
    expect(again.code, again.err).toBe(0);
    expect(again.err).toContain('checkpoint at step 3: run.ckpt');

    const resumed = await cli([...base, '--resume', 'step3.ckpt', '--out', 'resumed.safetensors', '--json']);
    expect(resumed.code, resumed.err).toBe(0);
    // Only the remaining steps run: a resume that started over would also end at step 6.
    const events = resumed.out.trim().split('\n').map((l) => JSON.parse(l) as { type: string; step?: number; steps?: number });
    expect(events.map((e) => e.step ?? `${e.type} ${e.steps}`)).toEqual([4, 5, 6, 'done 6']);

    const want = weightsOf('straight.safetensors');
    const halfway = weightsOf('step3.ckpt');
    for (const file of ['again.safetensors', 'resumed.safetensors']) {
      const got = weightsOf(file);
      expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
      for (const [name, t] of want) expect(Buffer.from((got.get(name)!.data as Float32Array).buffer), `${file}: ${name}`).toEqual(Buffer.from((t.data as Float32Array).buffer));
    }
    // Steps 4-6 did change the weights, so matching is not trivially true.
    expect(halfway.get('head.weight')!.data).not.toEqual(want.get('head.weight')!.data);
  });
});
