import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphRunner } from '@modalflow/node-io';
import { exampleRows, gated, listen, openLateFusion, post } from './helpers.ts';

let runner: GraphRunner;
const text = exampleRows('text');
const image = exampleRows('image');
const request = {
  inputs: [
    { name: 'text', shape: [2, 16], datatype: 'FP32', data: text.flat() },
    { name: 'image', shape: [2, 32], datatype: 'FP32', data: image.flat() },
  ],
};

beforeAll(async () => {
  runner = await openLateFusion();
});
afterAll(async () => {
  await runner?.release();
});

/** Reads a server-sent event stream to its end: [event name, data] pairs. */
async function readEvents(url: string): Promise<[string, Record<string, unknown>][]> {
  const res = await fetch(url);
  expect(res.headers.get('content-type')).toBe('text/event-stream');
  const text = await res.text();
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((block) => {
      const name = /^event: (.+)$/m.exec(block)![1]!;
      const data = JSON.parse(/^data: (.+)$/m.exec(block)![1]!);
      return [name, data];
    });
}

describe('jobs', () => {
  it('runs a submitted job, streams its stage events and keeps its result to poll', async () => {
    const gate = gated(runner);
    const { server, base } = await listen([{ name: 'late-fusion', runner: gate.runner }]);
    try {
      const submitted = await post(base, '/v2/models/late-fusion/jobs', request);
      expect(submitted.status).toBe(202);
      const id = submitted.json.id as string;
      expect(submitted.json.status).toBe('queued');
      const events = readEvents(`${base}/v2/jobs/${id}/events`);
      await new Promise((r) => setTimeout(r, 50));
      gate.open();
      const seen = await events;
      const names = seen.map(([n, d]) => (n === 'status' ? `status:${d.status}` : n));
      expect(names[0]).toBe('status:queued');
      expect(names).toContain('status:running');
      expect(names.filter((n) => n === 'stage-start').length).toBe(3);
      expect(names.filter((n) => n === 'stage-end').length).toBe(3);
      expect(names.at(-1)).toBe('status:succeeded');
      const polled = await (await fetch(`${base}/v2/jobs/${id}`)).json();
      expect(polled.status).toBe('succeeded');
      const direct = await post(base, '/v2/models/late-fusion/infer', request);
      expect(polled.result.outputs).toEqual((direct.json.outputs as unknown[]));
      // The same inputs again: every stage comes from the stage cache.
      const again = await post(base, '/v2/models/late-fusion/jobs', request);
      const replay = await readEvents(`${base}/v2/jobs/${again.json.id}/events`);
      expect(replay.filter(([n]) => n === 'stage-cached').length).toBe(3);
      expect(replay.filter(([n]) => n === 'stage-start').length).toBe(0);
    } finally {
      gate.open();
      await server.close();
    }
  });

  it('cancels a waiting job, and answers unknown jobs with 404', async () => {
    const gate = gated(runner);
    const { server, base } = await listen([{ name: 'late-fusion', runner: gate.runner }]);
    try {
      const first = await post(base, '/v2/models/late-fusion/jobs', request);
      const second = await post(base, '/v2/models/late-fusion/jobs', request);
      const events = readEvents(`${base}/v2/jobs/${second.json.id}/events`);
      const cancelled = await (await fetch(`${base}/v2/jobs/${second.json.id}`, { method: 'DELETE' })).json();
      expect(cancelled.id).toBe(second.json.id);
      const seen = await events;
      expect(seen.at(-1)).toEqual(['status', { type: 'status', status: 'cancelled' }]);
      gate.open();
      let status = '';
      while (status !== 'succeeded') status = (await (await fetch(`${base}/v2/jobs/${first.json.id}`)).json()).status;
      expect((await (await fetch(`${base}/v2/jobs/${second.json.id}`)).json()).status).toBe('cancelled');
      expect(gate.calls.length).toBe(1);
      const missing = await fetch(`${base}/v2/jobs/nope`);
      expect([missing.status, (await missing.json()).code]).toEqual([404, 'MF_UNKNOWN_JOB']);
      const bad = await post(base, '/v2/models/late-fusion/jobs', { inputs: [request.inputs[0]] });
      expect([bad.status, bad.json.code]).toEqual([400, 'MF_INPUT_MISSING']);
    } finally {
      gate.open();
      await server.close();
    }
  });
});
