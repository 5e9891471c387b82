import type { DType } from './tensor.ts';
import type { Dim } from './shape.ts';

/**
 * A port's type: accepted element types and a shape template. Template dimensions are
 * numbers (must match), names (bound on first sight, then must agree) or names of integer
 * params of the node (must equal that param). `shape: null` accepts any rank.
 */
export interface PortSpec {
  dtypes: readonly DType[];
  shape: readonly Dim[] | null;
  optional: boolean;
  description: string;
}

export interface PortOptions {
  optional?: boolean;
  description?: string;
}

export function tensor(
  dtype: DType | readonly DType[],
  shape: readonly Dim[] | null = null,
  options: PortOptions = {},
): PortSpec {
  return {
    dtypes: typeof dtype === 'string' ? [dtype] : dtype,
    shape,
    optional: options.optional ?? false,
    description: options.description ?? '',
  };
}

/** Kinds used by the editor to colour handles; derived from dtype and rank. */
export function portKind(spec: PortSpec): string {
  const d = spec.dtypes[0];
  if (d === 'string') return 'text';
  if (d === 'int64' || d === 'int32') return 'ids';
  if (d === 'bool') return 'mask';
  if (d === 'uint8') return 'image';
  return spec.shape && spec.shape.length === 3 ? 'sequence' : spec.shape && spec.shape.length === 2 ? 'vector' : 'tensor';
}
