import { isModalflowError, validateGraphText, type GraphDoc, type NodeRegistry, type Tensor } from '@modalflow/core';
import { compileGraph, type CompiledPlan, type Granularity } from '@modalflow/compiler';
import type { Engine } from '@modalflow/engine';
import { randomInputs, sizeOf, symbolValues } from './random-inputs.ts';
import { SYMBOLS } from './random-graph.ts';

export const GRANULARITIES: readonly Granularity[] = ['whole', 'segments', 'per-node'];

/** How far a case got. Each stage counts the cases that reached it. */
export interface Stages {
  generated: number;
  validated: number;
  compiled: number;
  executed: number;
  /** Outputs that differ between granularities by more than the tolerance. */
  disagreements: number;
  /** Outputs whose dims differ from the shapes analysis inferred. */
  shapeMismatches: number;
}

export const emptyStages = (): Stages => ({ generated: 0, validated: 0, compiled: 0, executed: 0, disagreements: 0, shapeMismatches: 0 });

export interface CaseResult {
  stage: 'refused' | 'compile-error' | 'run-error' | 'executed';
  /** What went wrong, with the granularity, for the report. */
  detail?: string;
  /** Output name -> largest scaled difference between any granularity and `whole`. */
  diffs: Record<string, number>;
  shapeErrors: string[];
  /** Granularities whose plan was the same model bytes as another's, so not run again. */
  shared: number;
  /** Milliseconds spent validating, compiling, creating sessions and running, all granularities. */
  ms: { validate: number; compile: number; load: number; run: number };
  /** `whole`'s plan and outputs, for running the same case elsewhere. */
  whole?: { compiled: CompiledPlan; inputs: Record<string, Tensor>; outputs: Record<string, Tensor> };
}

/**
 * Largest |a - b| / max(1, max |b|): the difference relative to the tensor's largest magnitude
 * (at least 1), since ORT optimises a model whole differently from its parts (fusing a layer
 * norm, folding constants), which moves a result by a few units in the last place of the
 * tensor's scale. Equal non-finite values count as equal. Non-float values must be equal
 * outright; any difference there counts as Infinity.
 */
export function tensorDiff(a: Tensor, b: Tensor): number {
  if (a.dtype !== b.dtype || a.dims.join() !== b.dims.join() || a.data.length !== b.data.length) return Infinity;
  if (a.dtype !== 'float32') {
    const x = a.data as ArrayLike<unknown>, y = b.data as ArrayLike<unknown>;
    for (let k = 0; k < y.length; k++) if (x[k] !== y[k]) return Infinity;
    return 0;
  }
  const x = a.data as Float32Array, y = b.data as Float32Array;
  let scale = 1;
  for (let k = 0; k < y.length; k++) if (Number.isFinite(y[k]!)) scale = Math.max(scale, Math.abs(y[k]!));
  let worst = 0;
  for (let k = 0; k < y.length; k++) {
    if (Object.is(x[k], y[k])) continue;
    const d = Math.abs(x[k]! - y[k]!);
    if (Number.isNaN(d)) return Infinity;
    worst = Math.max(worst, d);
  }
  return worst / scale;
}

/**
 * Validates the document from its text, compiles it at every granularity and runs each on the
 * same inputs. `whole` is the reference the others are compared with.
 */
export async function runCase(doc: GraphDoc, registry: NodeRegistry, engine: Engine, seed: number): Promise<CaseResult> {
  const ms = { validate: 0, compile: 0, load: 0, run: 0 };
  const result: CaseResult = { stage: 'refused', diffs: {}, shapeErrors: [], ms, shared: 0 };
  const file = `random-${seed}.json`;
  let t = performance.now();
  const lap = (k: keyof typeof ms) => {
    const now = performance.now();
    ms[k] += now - t;
    t = now;
  };
  const v = validateGraphText(JSON.stringify(doc), registry, { file });
  lap('validate');
  if (!v.ok || !v.doc) {
    result.detail = v.problems.map((p) => `${p.code}: ${p.message}`).join('; ');
    return result;
  }
  const compiled: Partial<Record<Granularity, CompiledPlan>> = {};
  for (const g of GRANULARITIES) {
    try {
      compiled[g] = compileGraph(v.doc, registry, { file, granularity: g });
      lap('compile');
    } catch (e) {
      result.stage = 'compile-error';
      result.detail = `${g}: ${isModalflowError(e) ? '' : 'UNCODED '}${(e as Error).stack ?? e}`;
      return result;
    }
  }
  const plan = compiled.whole!.plan;
  const symbols = symbolValues(plan.inputs, SYMBOLS);
  const inputs = randomInputs(plan.inputs, symbols, seed);
  const outs: Partial<Record<Granularity, Record<string, Tensor>>> = {};
  // Granularities that partition this graph alike compile to the same model bytes (a graph of
  // one input is one segment, whole or not): running those again would compare a model with itself.
  const byPlan = new Map<string, Granularity>();
  for (const g of GRANULARITIES) {
    const same = compiled[g]!.plan.stages.map((st) => `${st.kind}:${st.hash}`).join('|');
    const twin = byPlan.get(same);
    if (twin) {
      outs[g] = outs[twin];
      result.shared++;
      continue;
    }
    byPlan.set(same, g);
    let program;
    try {
      program = await engine.load(compiled[g]!);
      lap('load');
      // Each run gets its own copy: nothing a runtime does to its feeds may leak into the next.
      outs[g] = (await program.run(structuredClone(inputs), { cache: false })).outputs;
      lap('run');
    } catch (e) {
      result.stage = 'run-error';
      result.detail = `${g}: ${isModalflowError(e) ? '' : 'UNCODED '}${(e as Error).message ?? e}`;
      return result;
    } finally {
      await program?.release();
    }
  }
  result.stage = 'executed';
  const whole = outs.whole!;
  for (const o of plan.outputs) {
    const t = whole[o.name];
    if (!t) {
      result.shapeErrors.push(`${o.name}: missing`);
      continue;
    }
    const want = o.shape.map((d) => sizeOf(d, symbols));
    if (want.length !== t.dims.length || want.some((d, k) => d !== undefined && d !== t.dims[k])) {
      result.shapeErrors.push(`${o.name}: inferred [${o.shape.join(', ')}] = [${want.map((d) => d ?? '?').join(', ')}] at ${JSON.stringify(symbols)}, ran [${t.dims.join(', ')}]`);
    }
    if (t.dtype !== o.dtype) result.shapeErrors.push(`${o.name}: inferred ${o.dtype}, ran ${t.dtype}`);
    let worst = 0;
    for (const g of GRANULARITIES.slice(1)) {
      const other = outs[g]![o.name];
      worst = Math.max(worst, other ? tensorDiff(other, t) : Infinity);
    }
    result.diffs[o.name] = worst;
  }
  result.whole = { compiled: compiled.whole!, inputs, outputs: whole };
  return result;
}
