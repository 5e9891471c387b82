import type { Tensor, TensorData } from '@modalflow/core';
import type { Plan } from '@modalflow/compiler';
import { hashTensor } from '@modalflow/engine';

/**
 * The symbolic size that leads every output's shape and some inputs' shapes (the "B" of
 * [B, 16]): requests can then be stacked along it and the results cut apart again. Undefined
 * when the plan has no such axis; its requests then always run one at a time.
 */
export function batchAxis(plan: Plan): { symbol: string; inputs: Set<string> } | undefined {
  const first = plan.outputs[0]?.shape[0];
  if (typeof first !== 'string') return undefined;
  if (!plan.outputs.every((o) => o.shape[0] === first)) return undefined;
  const inputs = new Set(plan.inputs.filter((i) => i.shape[0] === first).map((i) => i.name));
  return inputs.size ? { symbol: first, inputs } : undefined;
}

/**
 * Requests that can share a run: their batched inputs agree on every size but the first, and
 * every other input (the label list of a zero-shot classifier) is the same value.
 */
export function groupKey(inputs: Record<string, Tensor>, batched: Set<string>): string {
  return Object.keys(inputs)
    .sort()
    .map((name) => {
      const t = inputs[name]!;
      return batched.has(name) ? `${name}:${t.dtype}[*,${t.dims.slice(1).join(',')}]` : `${name}=${hashTensor(t)}`;
    })
    .join('|');
}

export function rows(inputs: Record<string, Tensor>, batched: Set<string>): number {
  for (const name of batched) if (inputs[name]) return inputs[name]!.dims[0] ?? 1;
  return 1;
}

/** Stacks tensors of the same dtype and trailing sizes along their first axis. */
export function concatRows(parts: Tensor[]): Tensor {
  const first = parts[0]!;
  const dims = [parts.reduce((n, t) => n + t.dims[0]!, 0), ...first.dims.slice(1)];
  if (first.dtype === 'string') return { dtype: 'string', dims, data: parts.flatMap((t) => t.data as string[]) };
  const total = parts.reduce((n, t) => n + (t.data as ArrayLike<unknown>).length, 0);
  const Ctor = (first.data as Exclude<TensorData, string[]>).constructor as new (n: number) => Exclude<TensorData, string[]>;
  const data = new Ctor(total);
  let at = 0;
  for (const t of parts) {
    const d = t.data as Exclude<TensorData, string[]>;
    (data as unknown as { set(a: ArrayLike<unknown>, at: number): void }).set(d as ArrayLike<unknown>, at);
    at += d.length;
  }
  return { dtype: first.dtype, dims, data };
}

/** Rows [start, start + count) of a tensor, copied. */
export function sliceRows(t: Tensor, start: number, count: number): Tensor {
  const per = t.dims.slice(1).reduce((a, b) => a * b, 1);
  const data = t.data as Exclude<TensorData, string[]> | string[];
  return { dtype: t.dtype, dims: [count, ...t.dims.slice(1)], data: data.slice(start * per, (start + count) * per) as TensorData };
}
