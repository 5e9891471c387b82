import { numel, zeros, type Problem, type Tensor } from '@modalflow/core';
import { DataCodes, dataProblem, describeAt, type DataLocation } from './errors.ts';
import type { Example, InputSpec } from './spec.ts';

type Typed = Exclude<Tensor['data'], string[]>;

function describeRow(at: DataLocation): string {
  const row = at.rows?.[0];
  return describeAt(at) ?? `row ${row}`;
}

/**
 * Stacks one input's examples into a batch tensor [B, ...]. Examples of one batch must agree
 * in shape (images in size): a model takes one rectangle, and silently resizing or padding
 * would change what is learned.
 */
export function collate(input: InputSpec, examples: readonly Example[], where: readonly DataLocation[], file?: string): Tensor | Problem {
  const b = examples.length;
  if (input.kind === 'text') {
    return { dtype: 'string', dims: [b], data: examples.map((e) => e as string) };
  }
  const tensors = examples as readonly Tensor[];
  const first = tensors[0];
  if (!first) return zeros(input.dtype, [0, ...exampleDims(input)]);
  const groups = new Map<string, number[]>();
  tensors.forEach((t, i) => {
    const key = t.dims.join('×');
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  if (groups.size > 1) {
    const rows = where.flatMap((w) => w.rows ?? []);
    const list = [...groups]
      .map(([size, idx]) => `${size}: ${idx.map((i) => describeRow(where[i]!)).join('; ')}`)
      .join(' | ');
    const at: DataLocation = { column: input.name, rows };
    if (file !== undefined) at.file = file;
    return input.kind === 'image'
      ? dataProblem(DataCodes.imageSize, `images of one batch must have one size (H×W×3); found ${list}`, at)
      : dataProblem(DataCodes.shape, `examples of one batch must have one shape; found ${list}`, at);
  }
  const per = numel(first.dims);
  // Clips [F, H, W, 3] follow one another on the frame axis, [B*F, H, W, 3], as input.video gives them.
  const dims = input.kind === 'video' && first.dims.length === 4 ? [b * first.dims[0]!, ...first.dims.slice(1)] : [b, ...first.dims];
  if (first.dtype === 'string') {
    return { dtype: 'string', dims, data: tensors.flatMap((t) => t.data as string[]) };
  }
  const Ctor = (first.data as Typed).constructor as new (n: number) => Typed;
  const out = new Ctor(b * per);
  tensors.forEach((t, i) => (out as unknown as { set(a: ArrayLike<unknown>, o: number): void }).set(t.data as Typed, i * per));
  return { dtype: first.dtype, dims, data: out };
}

function exampleDims(input: InputSpec): number[] {
  const rest = input.shape?.slice(1) ?? [];
  return rest.map((d) => (typeof d === 'number' ? d : 0));
}
