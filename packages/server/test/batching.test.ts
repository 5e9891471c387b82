import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphRunner } from '@modalflow/node-io';
import { exampleRows, f32, gated, listen, openLateFusion, post } from './helpers.ts';

let runner: GraphRunner;
const text = exampleRows('text');
const image = exampleRows('image');

beforeAll(async () => {
  runner = await openLateFusion();
});
afterAll(async () => {
  await runner?.release();
});

/** Request k: one row, different for every k. */
const row = (k: number) => ({
  text: text[k % 2]!.map((v) => v + k / 100),
  image: image[(k + 1) % 2]!.map((v) => v - k / 100),
});
const body = (k: number) => ({
  id: `q${k}`,
  inputs: [
    { name: 'text', shape: [1, 16], datatype: 'FP32', data: row(k).text },
    { name: 'image', shape: [1, 32], datatype: 'FP32', data: row(k).image },
  ],
});

describe('dynamic batching', () => {
  it('stacks concurrent requests into one run and gives each request its own rows', async () => {
    const gate = gated(runner);
    const { server, base } = await listen([{ name: 'late-fusion', runner: gate.runner }], { batching: { maxBatchSize: 4, maxDelayMs: 200 } });
    try {
      const answers = Array.from({ length: 8 }, (_, k) => post(base, '/v2/models/late-fusion/infer', body(k)));
      while (server.queues.get('late-fusion')!.depth + gate.calls.reduce((n, c) => n + c.text!.dims[0]!, 0) < 8) await new Promise((r) => setTimeout(r, 5));
      gate.open();
      const results = await Promise.all(answers);
      // 8 one-row requests, at most 4 rows a run: two runs of four.
      expect(gate.calls.map((c) => c.text!.dims[0])).toEqual([4, 4]);
      for (const [k, r] of results.entries()) {
        expect(r.status).toBe(200);
        expect(r.json.id).toBe(`q${k}`);
        const alone = await runner.run({ text: f32([row(k).text]), image: f32([row(k).image]) });
        for (const o of r.json.outputs as { name: string; shape: number[]; data: number[] }[]) {
          expect(o.shape).toEqual([1, 4]);
          const want = Array.from(alone[o.name]!.data as Float32Array);
          o.data.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
        }
      }
      expect(server.queues.get('late-fusion')!.stats).toMatchObject({ runs: 2, batchedRuns: 2, requests: 8, largestBatch: 4 });
    } finally {
      gate.open();
      await server.close();
    }
  });

  it('keeps a bad request from failing the others in its batch', async () => {
    const { server, base } = await listen([{ name: 'late-fusion', runner: { ...runner, release: async () => {} } }], { batching: { maxBatchSize: 8, maxDelayMs: 100 } });
    try {
      const results = await Promise.all([
        post(base, '/v2/models/late-fusion/infer', body(0)),
        post(base, '/v2/models/late-fusion/infer', { inputs: [body(1).inputs[0], { ...body(1).inputs[1], shape: [1, 16], data: row(1).image.slice(0, 16) }] }),
        post(base, '/v2/models/late-fusion/infer', body(2)),
      ]);
      expect(results.map((r) => r.status)).toEqual([200, 400, 200]);
      expect(results[1]!.json.code).toBe('MF_INPUT_SHAPE');
    } finally {
      await server.close();
    }
  });
});
