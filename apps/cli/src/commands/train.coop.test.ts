import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readSafetensors } from '@modalflow/onnx';
import { runCli } from '../cli.ts';
import type { Io } from '../io.ts';

/**
 * The prompt-learning lesson (examples/coop): with both tiny-CLIP encoders frozen, only the four
 * context vectors in front of each shape name train. After a short 20-shot run the learned
 * prompts name the shape far above chance, and every CLIP weight is bit for bit what --init
 * loaded: the context is all that moved.
 */

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'modalflow-coop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CoOp lesson', () => {
  it('learns the context alone and classifies the shapes well above chance', async () => {
    let out = '';
    let err = '';
    const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), errIsTTY: false, cwd: ROOT };
    const trained = path.join(dir, 'coop.safetensors');
    const code = await runCli(
      [
        'train', 'examples/coop/graph.json', '--init', 'examples/linear-probe/clip.safetensors', '--data', 'world:shapes?count=4096&seed=1',
        '--shots', '20', '--steps', '100', '--batch-size', '80', '--lr', '1e-2', '--seed', '0', '-o', trained, '--json',
      ],
      io,
    );
    expect(code, err).toBe(0);
    const events = out.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.find((e) => e.type === 'init').seeded).toEqual(['context.context']);
    const done = events.find((e) => e.type === 'done');
    expect(done.eval.examples).toBe(415);
    expect(done.eval.metrics['loss.accuracy']).toBeGreaterThan(0.45);

    const clip = readSafetensors(readFileSync(path.join(ROOT, 'examples/linear-probe/clip.safetensors'))).tensors;
    const after = readSafetensors(readFileSync(trained)).tensors;
    for (const [name, t] of after) {
      if (name === 'context.context') continue;
      expect(t.data, name).toEqual(clip.get(name)!.data);
    }
  }, 120_000);
});
