import { ModalflowError, type Location, type Tensor } from '@modalflow/core';
import type { PlanInput } from '@modalflow/compiler';
import type { Dataset, Row } from '@modalflow/eval';
import { cellTensor, floats, stack, stackable, type ShapedFloats } from './cells.ts';
import type { GraphRunner } from '@modalflow/node-io';

export interface Binding {
  input: PlanInput;
  column: string;
}

/** Reports progress through a data set; the command draws it as a bar. */
export type OnProgress = (done: number, total: number) => void;

function cellOf(row: Row, column: string): Row[string] | ShapedFloats {
  const v = row[column];
  const dims = (row as Record<string, unknown>)[`${column}_dims`];
  if (v instanceof Float32Array) {
    return { data: v, dims: Array.isArray(dims) ? (dims as number[]) : column === 'boxes' ? [v.length / 4, 4] : [v.length] };
  }
  return v ?? null;
}

async function rowInputs(row: Row, bindings: readonly Binding[], at: Location): Promise<Record<string, Tensor>> {
  const out: Record<string, Tensor> = {};
  for (const b of bindings) out[b.input.name] = await cellTensor(cellOf(row, b.column), b.input, at);
  return out;
}

function output(outs: Record<string, Tensor>, name: string): Tensor {
  const t = outs[name];
  if (!t) throw new ModalflowError('MF_BAD_OUTPUT', `the graph has no output "${name}" (it has ${Object.keys(outs).join(', ')})`, {});
  return t;
}

/**
 * Runs the graph over every row, batching consecutive rows whose inputs have equal shapes, and
 * returns the chosen output's scores, [rows, classes].
 */
export async function predictRows(
  runner: GraphRunner,
  ds: Dataset,
  bindings: readonly Binding[],
  outputName: string,
  batch: number,
  onProgress: OnProgress,
): Promise<{ scores: Float32Array; classes: number }> {
  const parts: Float32Array[] = [];
  let classes = -1;
  let pending: Record<string, Tensor>[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const inputs = Object.fromEntries(bindings.map((b) => [b.input.name, stack(pending.map((p) => p[b.input.name]!))]));
    const t = output(await runner.run(inputs), outputName);
    const n = pending.length;
    const per = t.data.length / n;
    if (t.dims[0] !== n || !Number.isInteger(per)) throw new ModalflowError('MF_BAD_OUTPUT', `output "${outputName}" has shape [${t.dims.join(', ')}], not one row per example (${n})`, {});
    if (classes !== -1 && per !== classes) throw new ModalflowError('MF_BAD_OUTPUT', `output "${outputName}" changed width from ${classes} to ${per}`, {});
    classes = per;
    parts.push(floats(t, outputName).slice());
    pending = [];
    onProgress(parts.reduce((a, p) => a + p.length, 0) / classes, ds.rows.length);
  };
  for (const [i, row] of ds.rows.entries()) {
    const one = await rowInputs(row, bindings, ds.at[i]!);
    const first = pending[0];
    if (first && (pending.length >= batch || bindings.some((b) => !stackable(first[b.input.name]!, one[b.input.name]!)))) await flush();
    pending.push(one);
  }
  await flush();
  const scores = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    scores.set(p, o);
    o += p.length;
  }
  return { scores, classes };
}

/**
 * Scores every item (image, video) against every caption with a dual-encoder graph: the item
 * input and the text input are fed in blocks, and the output is [items, texts] (or, for an
 * output named *per_text*, [texts, items]).
 */
export async function predictRetrieval(
  runner: GraphRunner,
  ds: Dataset,
  item: Binding,
  text: PlanInput,
  captions: readonly string[],
  outputName: string,
  batch: number,
  onProgress: OnProgress,
): Promise<Float32Array> {
  const T = captions.length;
  const scores = new Float32Array(ds.rows.length * T);
  const transposed = /per_text/.test(outputName);
  const blocks: { start: number; tensors: Tensor[] }[] = [];
  for (const [i, row] of ds.rows.entries()) {
    const t = await cellTensor(cellOf(row, item.column), item.input, ds.at[i]!);
    const last = blocks[blocks.length - 1];
    if (last && last.tensors.length < batch && stackable(last.tensors[0]!, t)) last.tensors.push(t);
    else blocks.push({ start: i, tensors: [t] });
  }
  // A graph that names both batches alike (CLIP's `B`) takes equal numbers of items and texts:
  // the shorter side is padded by repeating its last entry, and the padding's scores dropped.
  const shared = sameBatchAxis(item.input, text);
  const steps = blocks.length * Math.ceil(T / batch);
  let done = 0;
  for (const block of blocks) {
    const bi = block.tensors.length;
    for (let t0 = 0; t0 < T; t0 += batch) {
      const chunk = captions.slice(t0, t0 + batch);
      const bt = chunk.length;
      const m = shared ? Math.max(bi, bt) : 0;
      const items = stack(shared ? padded(block.tensors, m) : block.tensors);
      const texts = shared ? padded(chunk, m) : chunk;
      const out = output(await runner.run({ [item.input.name]: items, [text.name]: { dtype: 'string', dims: [texts.length], data: [...texts] } }), outputName);
      const [ri, rt] = shared ? [m, m] : [bi, bt];
      const want = transposed ? [rt, ri] : [ri, rt];
      if (out.dims.length !== 2 || out.dims[0] !== want[0] || out.dims[1] !== want[1]) {
        throw new ModalflowError('MF_BAD_OUTPUT', `output "${outputName}" has shape [${out.dims.join(', ')}], expected [${want.join(', ')}] (${transposed ? 'texts × items' : 'items × texts'})`, {});
      }
      const v = floats(out, outputName);
      for (let a = 0; a < bi; a++) for (let b = 0; b < bt; b++) scores[(block.start + a) * T + t0 + b] = transposed ? v[b * ri + a]! : v[a * rt + b]!;
      onProgress(++done, steps);
    }
  }
  return scores;
}

function sameBatchAxis(a: PlanInput, b: PlanInput): boolean {
  const x = a.shape?.[0];
  return typeof x === 'string' && x === b.shape?.[0];
}

function padded<T>(xs: readonly T[], n: number): T[] {
  return [...xs, ...Array.from({ length: n - xs.length }, () => xs[xs.length - 1]!)];
}
