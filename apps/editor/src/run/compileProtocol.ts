import type { AssetData, GraphDoc, Location, Problem, Tensor } from '@modalflow/core';
import type { CompiledPlan } from '@modalflow/compiler';

export interface CompileRequest {
  id: number;
  doc: GraphDoc;
  assets: Record<string, AssetData>;
  taps: string[];
  /** Weights to compile with instead of the seeded ones (trained or loaded from a file). */
  weights?: Record<string, Tensor>;
  /** Texts of the block library files the document pins, by URI. */
  libraries: Record<string, string>;
}

export type CompileReply =
  | { id: number; ok: true; compiled: CompiledPlan }
  | { id: number; ok: false; error: { name: string; message: string; code?: string; at?: Location; problems?: Problem[] } };
