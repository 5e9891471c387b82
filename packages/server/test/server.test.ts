import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tensor } from '@modalflow/core';
import type { GraphRunner } from '@modalflow/node-io';
import type { ModalflowServer } from '../src/index.ts';
import { V2Client } from './v2-client.ts';
import { exampleRows, f32, gated, listen, openLateFusion, post } from './helpers.ts';

let runner: GraphRunner;
let server: ModalflowServer;
let base: string;
let expected: Record<string, Tensor>;
const text = exampleRows('text');
const image = exampleRows('image');
const goodRequest = {
  id: 'r1',
  inputs: [
    { name: 'text', shape: [2, 16], datatype: 'FP32', data: text.flat() },
    { name: 'image', shape: [2, 32], datatype: 'FP32', data: image },
  ],
};

beforeAll(async () => {
  runner = await openLateFusion();
  expected = await runner.run({ text: f32(text), image: f32(image) });
  ({ server, base } = await listen([{ name: 'late-fusion', runner }], { bodyLimit: 64 * 1024 }));
});
afterAll(async () => {
  await server?.close();
});

/** After every refusal the server must still answer a good request. */
async function stillServes(): Promise<void> {
  const r = await post(base, '/v2/models/late-fusion/infer', goodRequest);
  expect(r.status).toBe(200);
}

describe('the v2 protocol over HTTP', () => {
  it('answers health and metadata', async () => {
    expect((await fetch(`${base}/v2/health/live`)).status).toBe(200);
    expect((await fetch(`${base}/v2/health/ready`)).status).toBe(200);
    expect((await fetch(`${base}/v2/models/late-fusion/ready`)).status).toBe(200);
    const meta = await (await fetch(`${base}/v2/models/late-fusion`)).json();
    expect(meta.name).toBe('late-fusion');
    expect(meta.inputs.map((i: { name: string; datatype: string; shape: number[] }) => [i.name, i.datatype, i.shape])).toEqual([
      ['text', 'FP32', [-1, 16]],
      ['image', 'FP32', [-1, 32]],
    ]);
    expect(meta.outputs.map((o: { name: string; datatype: string; shape: number[] }) => [o.name, o.datatype, o.shape])).toEqual([
      ['probs', 'FP32', [-1, 4]],
      ['logits', 'FP32', [-1, 4]],
    ]);
  });

  it('infers with JSON tensors, giving what the engine gives', async () => {
    const r = await post(base, '/v2/models/late-fusion/infer', goodRequest);
    expect(r.status).toBe(200);
    expect(r.json.id).toBe('r1');
    const outputs = r.json.outputs as { name: string; datatype: string; shape: number[]; data: number[] }[];
    expect(outputs.map((o) => o.name)).toEqual(['probs', 'logits']);
    for (const o of outputs) {
      expect(o.datatype).toBe('FP32');
      expect(o.shape).toEqual([2, 4]);
      expect(Float32Array.from(o.data)).toEqual(expected[o.name]!.data);
    }
  });

  it('serves a client written from the protocol text alone, with JSON and binary tensors', async () => {
    const client = new V2Client(base);
    expect(await client.live()).toBe(true);
    expect(await client.ready()).toBe(true);
    expect((await client.metadata('late-fusion')).outputs.map((o) => o.name)).toEqual(['probs', 'logits']);
    const inputs = [
      { name: 'text', shape: [2, 16], datatype: 'FP32' as const, data: text.flat() },
      { name: 'image', shape: [2, 32], datatype: 'FP32' as const, data: image.flat() },
    ];
    for (const binary of [false, true]) {
      const r = await client.infer('late-fusion', inputs, { binary, id: `b${binary}` });
      expect(r.id).toBe(`b${binary}`);
      for (const o of r.outputs) expect(Float32Array.from(o.data as number[])).toEqual(expected[o.name]!.data);
    }
  });

  it('returns only the outputs asked for, in binary when asked', async () => {
    const r = await fetch(`${base}/v2/models/late-fusion/infer`, {
      method: 'POST',
      body: JSON.stringify({ ...goodRequest, outputs: [{ name: 'logits', parameters: { binary_data: true } }] }),
    });
    expect(r.status).toBe(200);
    const n = Number(r.headers.get('inference-header-content-length'));
    const raw = new Uint8Array(await r.arrayBuffer());
    const head = JSON.parse(new TextDecoder().decode(raw.subarray(0, n)));
    expect(head.outputs).toEqual([{ name: 'logits', datatype: 'FP32', shape: [2, 4], parameters: { binary_data_size: 32 } }]);
    expect(new Float32Array(raw.slice(n).buffer)).toEqual(expected.logits!.data);
  });
});

describe('bad requests get a status and a coded error, and the server keeps serving', () => {
  const cases: [string, () => Promise<{ status: number; json: Record<string, unknown> }>, number, string, Record<string, unknown>?][] = [
    ['malformed JSON', () => post(base, '/v2/models/late-fusion/infer', '{"inputs": [}'), 400, 'MF_BAD_JSON'],
    ['no inputs list', () => post(base, '/v2/models/late-fusion/infer', { input: [] }), 400, 'MF_BAD_REQUEST', { path: '/inputs' }],
    ['unknown model', () => post(base, '/v2/models/nope/infer', goodRequest), 404, 'MF_UNKNOWN_MODEL'],
    [
      'wrong datatype',
      () => post(base, '/v2/models/late-fusion/infer', { inputs: [{ ...goodRequest.inputs[0], datatype: 'INT64' }, goodRequest.inputs[1]] }),
      400,
      'MF_INPUT_DTYPE',
      { node: 'text' },
    ],
    [
      'data that does not fill the shape',
      () => post(base, '/v2/models/late-fusion/infer', { inputs: [{ ...goodRequest.inputs[0], shape: [3, 16] }, goodRequest.inputs[1]] }),
      400,
      'MF_INPUT_SHAPE',
      { node: 'text' },
    ],
    [
      'a shape the graph does not take',
      () => post(base, '/v2/models/late-fusion/infer', { inputs: [{ ...goodRequest.inputs[0], shape: [4, 8] }, goodRequest.inputs[1]] }),
      400,
      'MF_INPUT_SHAPE',
      { node: 'text' },
    ],
    [
      'a value the datatype cannot hold',
      () => post(base, '/v2/models/late-fusion/infer', { inputs: [{ ...goodRequest.inputs[0], data: [...text.flat().slice(1), 'x'] }, goodRequest.inputs[1]] }),
      400,
      'MF_BAD_INPUT',
      { node: 'text' },
    ],
    ['a missing input', () => post(base, '/v2/models/late-fusion/infer', { inputs: [goodRequest.inputs[0]] }), 400, 'MF_INPUT_MISSING', { node: 'image' }],
    ['an unknown input', () => post(base, '/v2/models/late-fusion/infer', { inputs: [...goodRequest.inputs, { name: 'audio', shape: [1], datatype: 'FP32', data: [1] }] }), 400, 'MF_INPUT_UNKNOWN', { node: 'audio' }],
    ['an unknown output', () => post(base, '/v2/models/late-fusion/infer', { ...goodRequest, outputs: [{ name: 'nope' }] }), 400, 'MF_OUTPUT_UNKNOWN'],
    ['an oversized body', () => post(base, '/v2/models/late-fusion/infer', { ...goodRequest, pad: 'x'.repeat(100 * 1024) }), 413, 'MF_BODY_TOO_LARGE'],
    ['an unknown route', async () => { const r = await fetch(`${base}/v1/models`); return { status: r.status, json: await r.json() }; }, 404, 'MF_NOT_FOUND'],
    [
      'binary sizes that run past the body',
      async () => {
        const head = JSON.stringify({ inputs: [{ name: 'text', shape: [2, 16], datatype: 'FP32', parameters: { binary_data_size: 1000 } }] });
        const r = await fetch(`${base}/v2/models/late-fusion/infer`, { method: 'POST', headers: { 'inference-header-content-length': String(head.length) }, body: head + 'abc' });
        return { status: r.status, json: await r.json() };
      },
      400,
      'MF_BAD_REQUEST',
    ],
  ];
  for (const [what, send, status, code, location] of cases) {
    it(`${what}: ${status} ${code}`, async () => {
      const r = await send();
      expect(r.status).toBe(status);
      expect(r.json.code).toBe(code);
      expect(typeof r.json.error).toBe('string');
      if (location) expect(r.json.location).toMatchObject(location);
      await stillServes();
    });
  }
});

describe('a server with a token, a small queue and a gate', () => {
  it('refuses missing and wrong tokens, keeps health open, and answers 429 when the queue is full', async () => {
    const gate = gated(runner);
    const { server: s, base: b } = await listen([{ name: 'late-fusion', runner: gate.runner }], { token: 'sesame', maxQueue: 2 });
    try {
      expect((await fetch(`${b}/v2/health/ready`)).status).toBe(200);
      const none = await post(b, '/v2/models/late-fusion/infer', goodRequest);
      expect([none.status, none.json.code]).toEqual([401, 'MF_UNAUTHORIZED']);
      const wrong = await post(b, '/v2/models/late-fusion/infer', goodRequest, { authorization: 'Bearer nope' });
      expect([wrong.status, wrong.json.code]).toEqual([401, 'MF_UNAUTHORIZED']);
      const auth = { authorization: 'Bearer sesame' };
      // One runs (held at the gate), two wait, the fourth finds the queue full.
      const first = post(b, '/v2/models/late-fusion/infer', goodRequest, auth);
      while (gate.calls.length === 0) await new Promise((r) => setTimeout(r, 5));
      const waiting = [post(b, '/v2/models/late-fusion/infer', goodRequest, auth), post(b, '/v2/models/late-fusion/infer', goodRequest, auth)];
      while (s.queues.get('late-fusion')!.depth < 2) await new Promise((r) => setTimeout(r, 5));
      const full = await post(b, '/v2/models/late-fusion/infer', goodRequest, auth);
      expect([full.status, full.json.code]).toEqual([429, 'MF_QUEUE_FULL']);
      gate.open();
      for (const r of await Promise.all([first, ...waiting])) expect(r.status).toBe(200);
      expect((await post(b, '/v2/models/late-fusion/infer', goodRequest, auth)).status).toBe(200);
    } finally {
      gate.open();
      await s.close();
    }
  });

  it('sends CORS headers only for the origin it is given', async () => {
    const plain = await fetch(`${base}/v2/health/live`, { headers: { origin: 'http://elsewhere.test' } });
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
    const { server: s, base: b } = await listen([{ name: 'late-fusion', runner: { ...runner, release: async () => {} } }], { cors: 'http://app.test' });
    try {
      const r = await fetch(`${b}/v2/health/live`, { headers: { origin: 'http://app.test' } });
      expect(r.headers.get('access-control-allow-origin')).toBe('http://app.test');
    } finally {
      await s.close();
    }
  });

  it('answers 504 when a run takes longer than the timeout', async () => {
    const gate = gated(runner);
    const { server: s, base: b } = await listen([{ name: 'late-fusion', runner: gate.runner }], { timeoutMs: 100 });
    try {
      const r = await post(b, '/v2/models/late-fusion/infer', goodRequest);
      expect([r.status, r.json.code]).toEqual([504, 'MF_TIMEOUT']);
    } finally {
      gate.open();
      await s.close();
    }
  });

  it('finishes requests in flight when shut down, then stops', async () => {
    const gate = gated(runner);
    const { server: s, base: b } = await listen([{ name: 'late-fusion', runner: gate.runner }]);
    const inflight = post(b, '/v2/models/late-fusion/infer', goodRequest);
    while (gate.calls.length === 0) await new Promise((r) => setTimeout(r, 5));
    const closed = s.close();
    await new Promise((r) => setTimeout(r, 50));
    expect((await fetch(`${b}/v2/health/ready`).catch(() => ({ status: 0 }))).status).not.toBe(200);
    gate.open();
    const r = await inflight;
    expect(r.status).toBe(200);
    await closed;
    await expect(fetch(`${b}/v2/health/live`)).rejects.toThrow();
  });
});
