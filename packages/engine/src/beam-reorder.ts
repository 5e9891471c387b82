import { OnnxGraph, encodeModel, i } from '@modalflow/onnx';
import type { CacheBinding } from '@modalflow/compiler';

/** Input name of the rows each reordered cache row is taken from. */
export const REORDER_ROWS = 'rows';
export const reorderIn = (past: string) => `in.${past}`;
export const reorderOut = (past: string) => `out.${past}`;

/**
 * A model that picks cache rows: out.<past>[k] = in.<past>[rows[k]] for every cache tensor, one
 * Gather over the row axis each. Beam search runs it in the decoder's own runtime, so when beams
 * reorder the cache stays where the step model left it (a GPU buffer on WebGPU) instead of being
 * read back, shuffled on the host and sent again. The same model over the cross-attention keys
 * and values (shaped alike, [rows, heads, length, head_dim]) repeats an example's row for its beams.
 */
export function beamReorderModel(cache: readonly Pick<CacheBinding, 'past' | 'heads' | 'headDim'>[]): Uint8Array {
  const g = new OnnxGraph('beam-reorder');
  const rows = g.addInput(REORDER_ROWS, 'int64', ['beams']);
  for (const c of cache) {
    const x = g.addInput(reorderIn(c.past), 'float32', ['rows', c.heads, 'length', c.headDim]);
    g.addOutput(g.identity(g.op('Gather', [x, rows], { axis: i(0) }), reorderOut(c.past)), 'float32', ['beams', c.heads, 'length', c.headDim]);
  }
  return encodeModel(g, { opset: 17, producerName: 'modalflow', docString: 'reorders a decoding cache along its row axis for beam search' });
}
