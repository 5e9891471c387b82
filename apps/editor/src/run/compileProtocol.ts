import type { AssetData, GraphDoc, Location, Problem } from '@modalflow/core';
import type { CompiledPlan } from '@modalflow/compiler';

export interface CompileRequest {
  id: number;
  doc: GraphDoc;
  assets: Record<string, AssetData>;
  taps: string[];
  /** Texts of the block library files the document pins, by URI. */
  libraries: Record<string, string>;
}

export type CompileReply =
  | { id: number; ok: true; compiled: CompiledPlan }
  | { id: number; ok: false; error: { name: string; message: string; code?: string; at?: Location; problems?: Problem[] } };
