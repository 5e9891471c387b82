import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.ts';
import type { Io } from '../io.ts';

const ROOT = path.resolve(fileURLToPath(import.meta.url), '../../../../..');
const EXAMPLE = path.join(ROOT, 'examples/image-captioning');

/** Records what a command writes, in order, with stdout and stderr told apart. */
function recordingIo(): Io & { chunks: { to: 'out' | 'err'; text: string }[] } {
  const chunks: { to: 'out' | 'err'; text: string }[] = [];
  return { chunks, out: (text) => void chunks.push({ to: 'out', text }), err: (text) => void chunks.push({ to: 'err', text }), errIsTTY: false, cwd: ROOT };
}

describe('modalflow run on a graph that generates', () => {
  it('captions a picture with the trained tiny captioner, printing each word as it comes and then the outputs', async () => {
    const io = recordingIo();
    const args = ['run', path.join(EXAMPLE, 'tiny.json'), '--device', 'cpu', '--weights', path.join(EXAMPLE, 'trained.safetensors'), '-i', `image=${path.join(EXAMPLE, 'picture.png')}`];
    expect(await runCli(args, io)).toBe(0);
    const out = io.chunks.filter((c) => c.to === 'out').map((c) => c.text);
    // One write per word: the caption streams before the output blocks.
    const words = out.slice(1, out.indexOf('\n'));
    expect(out[0]).toBe('generate: ');
    expect(words.join('')).toBe('a blue triangle at the bottom ');
    expect(words).toHaveLength(6);
    expect(out.join('')).toContain('caption_text: string 1\n  ["a blue triangle at the bottom"]');
    expect(io.chunks.filter((c) => c.to === 'err').map((c) => c.text).join('')).toMatch(/generate: 7 tokens in 7 steps, .* tokens\/s/);
  });

  it('says when a caption reached max_length without its stop token', async () => {
    const io = recordingIo();
    // The untrained (seeded) captioner never writes [SEP].
    const args = ['run', path.join(EXAMPLE, 'tiny.json'), '--device', 'cpu', '-i', `image=${path.join(EXAMPLE, 'picture.png')}`];
    expect(await runCli(args, io)).toBe(0);
    expect(io.chunks.filter((c) => c.to === 'err').map((c) => c.text).join('')).toContain('generate[0]: stopped at max_length (10 tokens) without a stop token');
  });
});
