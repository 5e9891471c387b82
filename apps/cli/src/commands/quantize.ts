import { copyFile, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { ModalflowError, sha256Hex, type Tensor } from '@modalflow/core';
import { decodeModel, encodeModel, quantizeInt8, readModel, toFloat16, type ModelInfo } from '@modalflow/onnx';
import { halveFeeds, widenResults, type RuntimeSession } from '@modalflow/engine';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { readUserFile, readUserText, UsageError } from '@modalflow/node-io';
import { formatTable } from '../format/table.ts';
import { formatBytes } from '../format/numbers.ts';
import type { Io } from '../io.ts';

export interface QuantizeOptions {
  out: string;
  to: 'int8' | 'fp16';
  samples: string;
  dim?: string[];
  json?: boolean;
}

/** How far a variant's outputs are from float32's on the same inputs. */
export interface OutputAccuracy {
  output: string;
  max_abs_diff: number;
  /** max_abs_diff over the largest float32 magnitude of that output. */
  relative: number;
  /** Mean over samples of the cosine between the variant's and float32's output. */
  cosine: number;
}

export interface ModelReport {
  model: string;
  to: 'int8' | 'fp16';
  bytes: { before: number; after: number };
  samples: number;
  outputs: OutputAccuracy[];
  ms_per_run: { float32: number; variant: number };
  /** What the transform changed: int8 matrix products, or float16 weights. */
  changed: string;
}

/**
 * `modalflow quantize`: writes an int8 (dynamic, per-column weight scales) or float16 variant
 * of an ONNX model, or of every model of a compiled plan folder, and reports how far its
 * outputs are from float32's on generated sample inputs.
 */
export async function quantizeCommand(io: Io, input: string, opts: QuantizeOptions): Promise<void> {
  if (opts.to !== 'int8' && opts.to !== 'fp16') throw new UsageError(`--to "${String(opts.to)}" must be int8 or fp16`);
  const samples = Number(opts.samples);
  if (!Number.isInteger(samples) || samples < 1 || samples > 1000) throw new UsageError(`--samples "${opts.samples}" must be a whole number from 1 to 1000`);
  const dims = parseDimArgs(opts.dim ?? []);
  const src = path.resolve(io.cwd, input);
  const out = path.resolve(io.cwd, opts.out);
  const isDir = await stat(src).then((s) => s.isDirectory(), () => false);
  const reports: ModelReport[] = [];
  if (isDir) {
    const planFile = path.join(src, 'plan.json');
    const plan = JSON.parse(await readUserText(planFile, 'compiled plan')) as { stages: { kind: string; model?: string; hash?: string }[] };
    await mkdir(out, { recursive: true });
    const models = new Set(plan.stages.filter((s) => s.kind === 'onnx').map((s) => s.model!));
    for (const name of await readdir(src)) {
      if (name !== 'plan.json' && !models.has(name)) await copyFile(path.join(src, name), path.join(out, name));
    }
    for (const stage of plan.stages) {
      if (stage.kind !== 'onnx') continue;
      const bytes = await readUserFile(path.join(src, stage.model!), `model of stage ${stage.model}`);
      const { variant, report } = await variantOf(stage.model!, bytes, opts.to, samples, dims);
      await writeFile(path.join(out, stage.model!), variant);
      // The engine's cache is keyed by the model's hash: a variant must not reuse float32 results.
      stage.hash = sha256Hex(variant);
      reports.push(report);
    }
    await writeFile(path.join(out, 'plan.json'), JSON.stringify(plan, null, 2) + '\n');
  } else {
    const bytes = await readUserFile(src, 'model');
    const { variant, report } = await variantOf(input, bytes, opts.to, samples, dims);
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, variant);
    reports.push(report);
  }
  if (opts.json) {
    io.out(JSON.stringify({ out: opts.out, models: reports }, null, 2) + '\n');
    return;
  }
  for (const r of reports) {
    io.out(`${r.model} -> ${opts.to}: ${formatBytes(r.bytes.before)} -> ${formatBytes(r.bytes.after)}, ${r.changed}\n`);
    io.out(`  ${r.samples} generated samples; ms per run: float32 ${r.ms_per_run.float32}, ${opts.to} ${r.ms_per_run.variant}\n`);
    const rows = [['output', 'max |diff|', 'relative', 'cosine'], ...r.outputs.map((o) => [o.output, o.max_abs_diff.toPrecision(3), o.relative.toPrecision(3), o.cosine.toFixed(6)])];
    io.out(formatTable(rows, ['left', 'right', 'right', 'right']).replace(/^/gm, '  ') + '\n');
  }
  io.out(`wrote ${opts.out}\n`);
}

async function variantOf(name: string, bytes: Uint8Array, to: 'int8' | 'fp16', samples: number, dims: Map<string, number>): Promise<{ variant: Uint8Array; report: ModelReport }> {
  let decoded;
  try {
    decoded = readModel(bytes, { file: name });
  } catch (e) {
    if (e instanceof ModalflowError) throw e;
    throw new ModalflowError('ONNX_CORRUPT', `${name}: ${(e as Error).message}`, { file: name });
  }
  const { info, graph, options } = decoded;
  let changed: string;
  if (to === 'int8') {
    const r = quantizeInt8(graph);
    if (!r.quantized.length) throw new ModalflowError('MF_QUANTIZE_NOTHING', `${name}: no MatMul multiplies by a float32 weight, so there is nothing to quantise`, { file: name });
    changed = `${r.quantized.length} matrix products in int8 (${r.kept} between activations kept in float32)`;
  } else {
    const r = toFloat16(graph);
    changed = `${r.weights} weights, the inputs and the outputs in float16`;
  }
  const variant = encodeModel(graph, options);
  const report = await compare(name, info, bytes, variant, to, samples, dims);
  return { variant, report: { ...report, changed } };
}

async function compare(name: string, info: ModelInfo, ref: Uint8Array, variant: Uint8Array, to: 'int8' | 'fp16', samples: number, dims: Map<string, number>): Promise<Omit<ModelReport, 'changed'>> {
  const runtime = createNodeRuntime({ providers: ['cpu'] });
  const sessions: RuntimeSession[] = [];
  try {
    const a = await runtime.createSession(ref, { providers: ['cpu'], label: name });
    sessions.push(a);
    const b = await runtime.createSession(variant, { providers: ['cpu'], label: `${name} (${to})` });
    sessions.push(b);
    const half = to === 'fp16' ? decodeModel(variant).inputs.filter((v) => v.dtype === 'float16').map((v) => v.name).concat(info.outputs.map((o) => o.name)) : [];
    const acc = new Map<string, { diff: number; mag: number; cos: number }>();
    const times = { float32: [] as number[], variant: [] as number[] };
    for (let s = 0; s < samples; s++) {
      const feeds = sampleFeeds(info, dims, 1000 + s);
      let t0 = performance.now();
      const r = await a.run(feeds);
      times.float32.push(performance.now() - t0);
      const vf = { ...feeds };
      if (half.length) halveFeeds(vf, half);
      t0 = performance.now();
      let v = await b.run(vf);
      times.variant.push(performance.now() - t0);
      if (half.length) v = widenResults(v, half);
      for (const o of info.outputs) {
        const x = r[o.name];
        const y = v[o.name];
        if (!x || !y || x.dtype !== 'float32' || y.dtype !== 'float32') continue;
        const e = acc.get(o.name) ?? { diff: 0, mag: 0, cos: 0 };
        const xs = x.data as Float32Array;
        const ys = y.data as Float32Array;
        let dot = 0, nx = 0, ny = 0;
        for (let k = 0; k < xs.length; k++) {
          e.diff = Math.max(e.diff, Math.abs(xs[k]! - ys[k]!));
          e.mag = Math.max(e.mag, Math.abs(xs[k]!));
          dot += xs[k]! * ys[k]!;
          nx += xs[k]! * xs[k]!;
          ny += ys[k]! * ys[k]!;
        }
        e.cos += nx && ny ? dot / Math.sqrt(nx * ny) : 1;
        acc.set(o.name, e);
      }
    }
    const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[xs.length >> 1]!;
    return {
      model: name, to, samples,
      bytes: { before: ref.length, after: variant.length },
      outputs: [...acc].map(([output, e]) => ({ output, max_abs_diff: e.diff, relative: e.mag ? e.diff / e.mag : e.diff, cosine: e.cos / samples })),
      ms_per_run: { float32: Math.round(median(times.float32) * 100) / 100, variant: Math.round(median(times.variant) * 100) / 100 },
    };
  } finally {
    for (const s of sessions) await s.release();
  }
}

/** `--dim batch_size=2`: sizes for the open dimensions of sample inputs. */
function parseDimArgs(args: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const arg of args) {
    const eq = /^([^=]+)=(\d+)$/.exec(arg);
    if (!eq || Number(eq[2]) < 1) throw new UsageError(`--dim "${arg}" must look like name=size, e.g. batch_size=2`);
    m.set(eq[1]!, Number(eq[2]));
  }
  return m;
}

/**
 * Seeded sample inputs from the model's signature: floats uniform in [-1, 1] (the range of
 * normalised pictures and embeddings), integers in [1, 100) (token ids every vocabulary has).
 * Open sizes are 1 unless `--dim` says otherwise; sequence-like names get 8.
 */
export function sampleFeeds(info: ModelInfo, dims: Map<string, number>, seed: number): Record<string, Tensor> {
  let s = seed >>> 0 || 1;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const feeds: Record<string, Tensor> = {};
  for (const v of info.inputs) {
    const size = (d: number | string | null): number => {
      if (typeof d === 'number') return d;
      if (!d) return 1;
      return dims.get(d) ?? (/seq|length|token/i.test(d) ? 8 : 1);
    };
    const shape = (v.shape ?? []).map(size);
    const n = shape.reduce((a, d) => a * d, 1);
    switch (v.dtype) {
      case 'float32':
        feeds[v.name] = { dtype: 'float32', dims: shape, data: Float32Array.from({ length: n }, () => next() * 2 - 1) };
        break;
      case 'int64':
        feeds[v.name] = { dtype: 'int64', dims: shape, data: BigInt64Array.from({ length: n }, () => BigInt(1 + Math.floor(next() * 99))) };
        break;
      case 'int32':
        feeds[v.name] = { dtype: 'int32', dims: shape, data: Int32Array.from({ length: n }, () => 1 + Math.floor(next() * 99)) };
        break;
      case 'bool':
        feeds[v.name] = { dtype: 'bool', dims: shape, data: Uint8Array.from({ length: n }, () => 1) };
        break;
      default:
        throw new ModalflowError('MF_QUANTIZE_INPUT', `model input "${v.name}" is ${v.dtype}; sample inputs are made for float32, int64, int32 and bool`);
    }
  }
  return feeds;
}
