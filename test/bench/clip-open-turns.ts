/**
 * `node scripts/bench.mjs clip_open`: opening the full-size CLIP folder (clip-full-folder.ts)
 * with ModalFlow against onnxruntime's own session creation for its two model files, in
 * alternating turns (the order flips each turn), so load on the machine hits both alike. Each
 * ModalFlow open is split into compile, the sessions of the two imported models (as the engine
 * reports them) and the rest of the load (the plan's own small stages); onnxruntime's side
 * creates the same two files' sessions with default options. Bytes are read and hashed before
 * the clock starts on both sides. Prints JSON; `MODALFLOW_CLIP_OPEN_TURNS` sets the turns (5).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { parseGraph, type AssetData } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { createEngine } from '@modalflow/engine';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { ROOT, registry } from '../src/fixtures.ts';
import { FULL_CLIP_DIR, fullClipFolder } from './clip-full-folder.ts';
import { median, round } from './stats.ts';

const log = (msg: string) => process.stderr.write(`bench clip_open: ${msg}\n`);
const TURNS = Number(process.env['MODALFLOW_CLIP_OPEN_TURNS'] ?? 5);
const MODELS = ['onnx/text_model.onnx', 'onnx/vision_model.onnx'];

fullClipFolder(log);
const file = `${ROOT}examples/clip-zero-shot/graph.json`;
const doc = parseGraph(readFileSync(file, 'utf8'), { file });
// Read and hashed once, as the command line does when it binds a folder.
const assets = new Map<string, AssetData>();
for (const [name, a] of Object.entries(doc.assets ?? {})) {
  if (!a.uri) continue;
  const bytes = readFileSync(path.join(FULL_CLIP_DIR, a.uri));
  assets.set(name, { name, uri: a.uri, bytes, sha256: createHash('sha256').update(bytes).digest('hex') } as AssetData);
}
const modelBytes = MODELS.map((m) => readFileSync(path.join(FULL_CLIP_DIR, m)));

async function onnxruntimeOpen(): Promise<number> {
  const t0 = performance.now();
  const sessions = [];
  for (const b of modelBytes) sessions.push(await ort.InferenceSession.create(b, { executionProviders: ['cpu'] }));
  const ms = performance.now() - t0;
  for (const s of sessions) await s.release();
  return ms;
}

async function modalflowOpen() {
  const t0 = performance.now();
  const compiled = compileGraph(doc, registry, { file, asset: (name) => assets.get(name) });
  const t1 = performance.now();
  const engine = createEngine(createNodeRuntime({ providers: ['cpu'] }), { registry });
  const sessions: { stage: string; ms: number; bytes: number }[] = [];
  const sizes = new Map(compiled.plan.stages.flatMap((s) => (s.kind === 'onnx' ? [[s.id, compiled.models[s.model]!.byteLength] as const] : [])));
  const program = await engine.load(compiled, { onEvent: (e) => sessions.push({ stage: e.stage, ms: e.ms, bytes: sizes.get(e.stage) ?? 0 }) });
  const t2 = performance.now();
  await program.release();
  // The two big sessions are the imported towers; everything else the plan made itself.
  const big = [...sessions].sort((a, b) => b.bytes - a.bytes).slice(0, 2);
  const towers = big.reduce((a, s) => a + s.ms, 0);
  return { compile: t1 - t0, load: t2 - t1, towers, other: t2 - t1 - towers, stages: sessions.length, total: t2 - t0 };
}

log('warming up both sides once…');
await onnxruntimeOpen();
await modalflowOpen();
const rows: { ort: number; mf: Awaited<ReturnType<typeof modalflowOpen>> }[] = [];
const load0 = loadavg()[0]!;
for (let k = 0; k < TURNS; k++) {
  log(`turn ${k + 1} of ${TURNS}`);
  let ortMs: number;
  let mf: Awaited<ReturnType<typeof modalflowOpen>>;
  if (k % 2 === 0) {
    ortMs = await onnxruntimeOpen();
    mf = await modalflowOpen();
  } else {
    mf = await modalflowOpen();
    ortMs = await onnxruntimeOpen();
  }
  rows.push({ ort: ortMs, mf });
}
const med = (f: (r: (typeof rows)[number]) => number) => round(median(rows.map(f)), 1);
process.stdout.write(
  `${JSON.stringify(
    {
      model: `CLIP ViT-B/32 sizes, Optimum layout (${FULL_CLIP_DIR})`,
      turns: TURNS,
      load_average_1min: [round(load0, 2), round(loadavg()[0]!, 2)],
      median_ms: {
        onnxruntime_sessions: med((r) => r.ort),
        modalflow_compile: med((r) => r.mf.compile),
        modalflow_load: med((r) => r.mf.load),
        modalflow_tower_sessions: med((r) => r.mf.towers),
        modalflow_other_load: med((r) => r.mf.other),
        modalflow_compile_plus_load: med((r) => r.mf.total),
      },
      ratio_compile_plus_load_over_onnxruntime: { per_turn: rows.map((r) => round(r.mf.total / r.ort, 3)), median: round(median(rows.map((r) => r.mf.total / r.ort)), 3) },
      ratio_tower_sessions_over_onnxruntime: { median: round(median(rows.map((r) => r.mf.towers / r.ort)), 3) },
      stages_with_sessions: rows[0]?.mf.stages,
      target_ratio: 1.1,
      per_turn_ms: rows.map((r) => ({ onnxruntime: round(r.ort, 1), compile: round(r.mf.compile, 1), towers: round(r.mf.towers, 1), other_load: round(r.mf.other, 1) })),
    },
    null,
    2,
  )}\n`,
);
