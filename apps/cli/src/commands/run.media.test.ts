import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli.ts';
import type { Io } from '../io.ts';
import { ffmpegAvailable } from '@modalflow/media/node';

/**
 * `modalflow run` on the audio and video examples: files in, retrieval scores out, with the
 * weights the examples' READMEs train. Rows of logits_per_text are captions, columns clips in
 * the order the folder lists them (sorted by name).
 */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const work = mkdtempSync(path.join(tmpdir(), 'modalflow-media-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), errIsTTY: false, cwd: ROOT };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    const code = await runCli(['run', ...args], io);
    return { code, out, err };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Top-1 clip index for each caption row. */
function top1(json: string, name: string): number[] {
  const t = JSON.parse(json).outputs[name] as { shape: number[]; data: number[] };
  const rows = Array.from({ length: t.shape[0]! }, (_, r) => t.data.slice(r * t.shape[1]!, (r + 1) * t.shape[1]!));
  return rows.map((r) => r.indexOf(Math.max(...r)));
}

const hasFfmpeg = ffmpegAvailable();

describe('modalflow run on audio', () => {
  const clips = JSON.parse(readFileSync(`${ROOT}examples/audio-text/clips.json`, 'utf8')) as { file: string; text: string; heldout: boolean }[];

  it('retrieves each synthesised clip by its caption (trained tiny CLAP)', async () => {
    const r = await run(['examples/audio-text/tiny.json', '--weights', 'examples/audio-text/trained.safetensors', '--input', 'audio=examples/audio-text/clips',
      '--input', `text=${JSON.stringify(clips.map((c) => c.text))}`, '--json']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('input "audio": 30 clips, in this order: 0 examples/audio-text/clips/blue_circle.wav');
    const best = top1(r.out, 'logits_per_text');
    const right = best.map((b, k) => b === k);
    const seen = right.filter((ok, k) => ok && !clips[k]!.heldout).length / clips.filter((c) => !c.heldout).length;
    const held = right.filter((ok, k) => ok && clips[k]!.heldout).length;
    expect(seen).toBeGreaterThanOrEqual(RETRIEVAL.seen);
    expect(held).toBeGreaterThanOrEqual(RETRIEVAL.heldout);
  }, 120_000);

  it('refuses a damaged audio file with its code and name', async () => {
    const bad = path.join(work, 'broken.wav');
    writeFileSync(bad, Buffer.from('RIFF\x10\x00\x00\x00WAVEfmt '));
    const r = await run(['examples/audio-text/tiny.json', '--input', `audio=${bad}`, '--input', 'text=a red circle']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/MF_AUDIO_CORRUPT: .*broken\.wav/);
  });
});

describe.runIf(hasFfmpeg)('modalflow run on video', () => {
  it('retrieves each clip by its caption (tiny CLIP frames, mean-pooled)', async () => {
    const captions = JSON.parse(readFileSync(`${ROOT}examples/video-text/captions.json`, 'utf8')) as Record<string, string>;
    const files = Object.keys(captions).sort();
    const r = await run(['examples/video-text/tiny.json', '--weights', 'examples/video-text/clip-tiny.safetensors', '--input', 'video=examples/video-text/clips',
      '--input', `text=${JSON.stringify(files.map((f) => captions[f]))}`, '--json']);
    expect(r.code, r.err).toBe(0);
    expect(top1(r.out, 'logits_per_text')).toEqual(files.map((_, k) => k));
  }, 120_000);

  it('says when ffmpeg is missing and how to install it', async () => {
    const r = await run(['examples/video-text/tiny.json', '--input', 'video=examples/video-text/clips/red_circle.webm', '--input', 'text=a red circle'], { MODALFLOW_FFPROBE: '/nonexistent/ffprobe' });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/MF_FFMPEG_MISSING: .*apt-get install -y ffmpeg/);
  });
});

// What the committed weights reach (examples/audio-text/README.md), a little below the measured values.
const RETRIEVAL = { seen: 0.95, heldout: 3 };
