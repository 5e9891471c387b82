import { describe, expect, it } from 'vitest';
import { ModalflowError, type Tensor } from '@modalflow/core';
import type { BatchResult } from './batch.ts';
import type { InputSpec } from './spec.ts';
import { openManifest } from './open.ts';

const video: InputSpec = { name: 'video', kind: 'video', dtype: 'uint8', shape: ['N', 2, 2, 3], media: { frames: 3, fps: 0, height: 2, width: 2 } };
const question: InputSpec = { name: 'text', kind: 'text', dtype: 'string', shape: ['B'] };

/** A stand-in decoder: each frame of clip "cN.webm" is filled with 10 N + frame index. */
function decodeVideo(path: string, input: InputSpec): Promise<Tensor> {
  const m = /^c(\d+)\.webm$/.exec(path);
  if (!m) return Promise.reject(new ModalflowError('MF_VIDEO_CORRUPT', `"${path}" is not a readable video`, { file: path }));
  const frames = path === 'c9.webm' ? 2 : input.media!.frames!;
  const data = new Uint8Array(frames * 12);
  for (let f = 0; f < frames; f++) data.fill(10 * Number(m[1]) + f, f * 12, (f + 1) * 12);
  return Promise.resolve({ dtype: 'uint8', dims: [frames, 2, 2, 3], data });
}

async function batches(lines: object[], loaders: { decodeVideo?: typeof decodeVideo } = { decodeVideo }): Promise<BatchResult[]> {
  const text = lines.map((l) => JSON.stringify(l)).join('\n');
  const ds = openManifest({ text, file: 'qa.jsonl', format: 'jsonl' }, { inputs: [video, question], readFile: () => Promise.reject(new Error('no reads')), ...loaders });
  const out: BatchResult[] = [];
  for await (const b of ds.batches({ batchSize: 2, shuffle: false })) out.push(b);
  return out;
}

describe('video files in a manifest', () => {
  it('decodes each clip to its sampled frames and puts the clips of a batch one after another, as input.video does', async () => {
    const [b] = await batches([{ video: 'c1.webm', text: 'what colour ?' }, { video: 'c2.webm', text: 'where ?' }]);
    if (!b?.ok) throw new Error(b?.error.message);
    expect(b.inputs.video!.dims).toEqual([6, 2, 2, 3]);
    expect([...(b.inputs.video!.data as Uint8Array)].filter((_, i) => i % 12 === 0)).toEqual([10, 11, 12, 20, 21, 22]);
    expect(b.inputs.text!.data).toEqual(['what colour ?', 'where ?']);
  });

  it('names the file, line and column when a clip has the wrong number of frames or does not decode', async () => {
    const [short, broken] = await batches([{ video: 'c9.webm', text: 'a' }, { video: 'c1.webm', text: 'b' }, { video: 'bad.webm', text: 'c' }, { video: 'c2.webm', text: 'd' }]);
    expect(short?.ok).toBe(false);
    if (short?.ok !== false || broken?.ok !== false) throw new Error('expected two failed batches');
    expect(short.error.code).toBe('MF_DATA_SHAPE');
    expect(short.error.message).toContain('"c9.webm" has shape [2, 2, 2, 3], but each clip of "video" is [3, 2, 2, 3]');
    expect(short.error.at).toMatchObject({ file: 'qa.jsonl', line: 1, column: 'video' });
    expect(broken.error.message).toMatch(/cannot decode "bad\.webm": MF_VIDEO_CORRUPT/);
  });

  it('says when no video decoder was given', async () => {
    const [b] = await batches([{ video: 'c1.webm', text: 'a' }], {});
    expect(b?.ok).toBe(false);
    if (b?.ok === false) expect(b.error.message).toContain('"c1.webm" is a video file, but no decodeVideo was given');
  });
});
