import type { DType, Tensor } from '@modalflow/core';
import type { OnnxGraph } from './graph.ts';

/**
 * A node attribute. The kind is explicit because ONNX attributes are typed: `axis: 1` must be an
 * INT and `alpha: 1` a FLOAT, which a bare JS number cannot tell apart.
 */
export type Attr =
  | { kind: 'int'; value: number | bigint }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'ints'; value: (number | bigint)[] }
  | { kind: 'floats'; value: number[] }
  | { kind: 'strings'; value: string[] }
  | { kind: 'tensor'; value: Tensor }
  | { kind: 'graph'; value: OnnxGraph };

export type AttrKind = Attr['kind'];

/** The attribute of one kind; the helpers below return these so `OnnxGraph.op` can check kinds. */
export type AttrOf<K extends AttrKind> = Extract<Attr, { kind: K }>;

export const i = (value: number | bigint): AttrOf<'int'> => ({ kind: 'int', value });
export const f = (value: number): AttrOf<'float'> => ({ kind: 'float', value });
export const s = (value: string): AttrOf<'string'> => ({ kind: 'string', value });
export const ints = (value: readonly (number | bigint)[]): AttrOf<'ints'> => ({ kind: 'ints', value: [...value] });
export const floats = (value: readonly number[]): AttrOf<'floats'> => ({ kind: 'floats', value: [...value] });
export const strs = (value: readonly string[]): AttrOf<'strings'> => ({ kind: 'strings', value: [...value] });
export const t = (value: Tensor): AttrOf<'tensor'> => ({ kind: 'tensor', value });
/** A subgraph attribute, as used by If, Loop and Scan bodies. */
export const g = (value: OnnxGraph): AttrOf<'graph'> => ({ kind: 'graph', value });

export interface OnnxNode {
  opType: string;
  /** Operator set domain; absent or '' means the default ai.onnx domain. */
  domain?: string;
  name: string;
  /** Value names; '' marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attrs: Record<string, Attr>;
}

/** A dimension: a size, a symbolic name such as 'batch', or null when nothing is known. */
export type Dim = number | string | null;

/** A graph input. A missing `shape` means even the rank is unknown. */
export interface ValueInfo {
  name: string;
  dtype: DType;
  shape?: Dim[];
}

/** A graph output; onnxruntime infers whatever type information is left out. */
export interface OutputInfo {
  name: string;
  dtype?: DType;
  shape?: Dim[];
}
