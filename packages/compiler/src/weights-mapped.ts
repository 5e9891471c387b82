import { applyWeightsMap, type Tensor, type WeightsMap, type WeightsMapReport } from '@modalflow/core';
import type { Analysis } from '@modalflow/core';
import { allWeights, declaredWeights } from './weights.ts';

/** Every weight the analysed graph declares, with its shape (shared blocks' weights once). */
export function weightTargets(analysis: Analysis): Map<string, readonly number[]> {
  const out = new Map<string, readonly number[]>();
  for (const { name, spec } of declaredWeights(analysis)) out.set(name, spec.shape);
  return out;
}

/**
 * A checkpoint under its own names, through a map, as the complete weights of the graph: what
 * the map places, and seeded values for the rest (the report names both, and what it left out).
 */
export function mapCheckpoint(
  analysis: Analysis,
  map: WeightsMap,
  checkpoint: Map<string, Tensor>,
): { weights: Map<string, Tensor>; report: WeightsMapReport } {
  const { tensors, report } = applyWeightsMap(map, checkpoint, weightTargets(analysis));
  return { weights: allWeights(analysis, tensors), report };
}
