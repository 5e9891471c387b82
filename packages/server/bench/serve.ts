/**
 * Load test of `modalflow serve` on 127.0.0.1 with autocannon: requests/s and p50/p99 latency
 * for the late-fusion example and for zero-shot CLIP on the toy CLIP folder, each with and
 * without dynamic batching. Every request carries its own id; the bench fails if any id is not
 * answered exactly once with 200.
 */
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { openGraph, type GraphRunner } from '@modalflow/node-io';
import { createServer } from '../src/index.ts';
import { buildClipFolder, encodePng, testImage } from '../../../test/src/fixtures-clip-folder.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const AMOUNT = Number(process.env.BENCH_REQUESTS ?? 1500);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);

interface Case {
  model: string;
  runner: GraphRunner;
  body: (id: string) => string;
}

async function measure(c: Case, batching: boolean): Promise<Record<string, unknown>> {
  const server = await createServer([{ name: c.model, runner: { ...c.runner, release: async () => {} } }], {
    batching: batching ? { maxBatchSize: 16, maxDelayMs: 2 } : { maxBatchSize: 1, maxDelayMs: 0 },
    maxQueue: 4096,
  });
  const url = await server.app.listen({ host: '127.0.0.1', port: 0 });
  const sent = new Set<string>();
  const answered = new Map<string, number>();
  let bad = 0;
  let n = 0;
  const result = await autocannon({
    url: `${url}/v2/models/${c.model}/infer`,
    connections: CONNECTIONS,
    amount: AMOUNT,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => {
          const id = `r${n++}`;
          sent.add(id);
          return { ...req, body: c.body(id) };
        },
        onResponse: (status, body) => {
          if (status !== 200) {
            bad++;
            return;
          }
          const id = JSON.parse(body).id as string;
          answered.set(id, (answered.get(id) ?? 0) + 1);
        },
      },
    ],
  });
  const stats = server.queues.get(c.model)!.stats;
  await server.close();
  const twice = [...answered.values()].filter((k) => k > 1).length;
  const lost = [...sent].filter((id) => !answered.has(id)).length;
  return {
    batching,
    requests: result.requests.total,
    non2xx: result.non2xx + bad,
    errors: result.errors,
    requests_per_s: Math.round((result.requests.total / (result.duration || 1)) * 10) / 10,
    latency_ms: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    engine_runs: stats.runs,
    largest_batch: stats.largestBatch,
    sent: sent.size,
    lost,
    answered_twice: twice,
  };
}

const lateFusion = await openGraph({ cwd: ROOT }, 'examples/late-fusion/graph.json', { providers: 'cpu' });
const text: number[][] = JSON.parse(readFileSync(`${ROOT}examples/late-fusion/text.json`, 'utf8'));
const image: number[][] = JSON.parse(readFileSync(`${ROOT}examples/late-fusion/image.json`, 'utf8'));
const lfBody = (id: string) =>
  JSON.stringify({ id, inputs: [{ name: 'text', shape: [1, 16], datatype: 'FP32', data: text[0] }, { name: 'image', shape: [1, 32], datatype: 'FP32', data: image[0] }] });

const folder = buildClipFolder();
const clip = await openGraph({ cwd: ROOT }, 'examples/clip-zero-shot/graph.json', { modelDir: folder.dir, providers: 'cpu' });
const pictures = [1, 2, 3, 4].map((s) => Buffer.from(encodePng(testImage(64, 64, s).data as Uint8Array, 64, 64)).toString('base64'));
let k = 0;
const clipBody = (id: string) =>
  JSON.stringify({
    id,
    inputs: [
      { name: 'image', shape: [1], datatype: 'BYTES', data: [pictures[k++ % pictures.length]] },
      { name: 'labels', shape: [1], datatype: 'BYTES', data: ['a photo of a cat, a photo of a dog, a photo of a car, a photo of a bird'] },
    ],
  });

const out: Record<string, unknown> = { requests_each: AMOUNT, connections: CONNECTIONS, cpu: 'onnxruntime-node, cpu provider' };
let failed = false;
for (const [name, c] of [
  ['late_fusion', { model: 'late-fusion', runner: lateFusion, body: lfBody }],
  ['clip_zero_shot', { model: 'clip', runner: clip, body: clipBody }],
] as const) {
  const rows = [];
  for (const batching of [false, true]) {
    process.stderr.write(`serve bench: ${name}, batching ${batching ? 'on' : 'off'}…\n`);
    const r = await measure(c, batching);
    if (r.lost !== 0 || r.answered_twice !== 0 || r.non2xx !== 0 || r.sent !== AMOUNT) failed = true;
    rows.push(r);
  }
  out[name] = rows;
}
await lateFusion.release();
await clip.release();
folder.remove();
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
if (failed) process.exitCode = 1;
