import { dimValue, numel, type Analysis } from '@modalflow/core';
import { graphFlops, inferTypes } from '@modalflow/autodiff';
import { lowerSegment } from './lower.ts';

export interface DerivedCosts {
  /** Trainable values among the weights the lowering emits (buffers left out, as paramCount does). */
  params: number;
  /**
   * FLOPs of the ops the lowering emits, at the given symbol sizes; undefined when those sizes
   * leave the node's ops unable to run (a patch embedding on a 1x1 picture).
   */
  flops: number | undefined;
}

/**
 * A node's parameter and FLOP counts as the IR sees them: lower the node alone, give every value
 * a shape (symbols at `symbols`, else 1, as analysis counts), and count what was emitted. It
 * checks the node's hand-written weights() and flops() against what its lower() does.
 */
export function derivedCosts(analysis: Analysis, nodeId: string, symbols: Record<string, number> = {}): DerivedCosts {
  const info = analysis.nodes.get(nodeId)!;
  const outputs = new Set(Object.keys(info.outputs).map((p) => `${nodeId}.${p}`));
  const { graph } = lowerSegment(analysis, `costs_${nodeId}`, [nodeId], outputs, undefined, symbols);
  for (const v of graph.inputs) v.shape = (v.shape ?? []).map((d) => dimValue(d ?? 1, symbols));
  let params = 0;
  // Weights carry the node's weight prefix: its id, or a shared block's name for every instance.
  const prefix = `${info.weightPrefix}.`;
  for (const [name, t] of graph.initializers) {
    if (!name.startsWith(prefix)) continue;
    if (info.weights[name.slice(prefix.length)]?.buffer) continue;
    params += numel(t.dims);
  }
  let flops: number | undefined;
  try {
    flops = graphFlops(inferTypes(graph));
  } catch (e) {
    if ((e as { code?: string }).code !== 'MF_IR_SHAPE') throw e;
  }
  return { params, flops };
}
