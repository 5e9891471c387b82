import { ModalflowError, type Analysis, type Problem, type Tensor } from '@modalflow/core';
import { allWeights } from './weights.ts';

export interface CarriedWeights {
  /** Every weight of the graph: the file's where the names match, seeded ones elsewhere. */
  tensors: Map<string, Tensor>;
  /** Graph weights taken from the file. */
  loaded: string[];
  /** Graph weights the file lacks, which keep their seeded values (a new head). */
  seeded: string[];
  /** Weights of the file no node of this graph declares (a pretraining head left behind). */
  unused: string[];
}

/**
 * Starts a graph from another graph's trained weights, matched by name (`<nodeId>.<weight>`):
 * what pretraining hands to fine-tuning, a feature extractor to a probe, a teacher to its
 * student. Unlike a complete weights file, the source need not cover the graph, and may hold
 * more; a weight whose name matches but whose shape does not is an error (every such weight is
 * named), since carrying it would be a bug. `setting` names the option in messages (`--init`
 * on the command line, the train panel's initial weights in the editor).
 */
export function carryWeights(analysis: Analysis, source: ReadonlyMap<string, Tensor>, file: string, setting = '--init'): CarriedWeights {
  const seeded = allWeights(analysis);
  const loaded: string[] = [];
  const missing: string[] = [];
  const mismatched: Problem[] = [];
  const tensors = new Map<string, Tensor>();
  for (const [name, init] of seeded) {
    const t = source.get(name);
    if (!t) {
      missing.push(name);
      tensors.set(name, init);
      continue;
    }
    if (t.dtype !== 'float32' || t.dims.length !== init.dims.length || t.dims.some((d, i) => d !== init.dims[i])) {
      const node = name.slice(0, name.lastIndexOf('.'));
      mismatched.push({
        code: 'MF_WEIGHT_SHAPE',
        message: `${setting}: "${name}" in ${file} is ${t.dtype} [${t.dims.join(', ')}], but the graph declares float32 [${init.dims.join(', ')}]`,
        at: { file, node, weight: name },
      });
      continue;
    }
    loaded.push(name);
    tensors.set(name, t);
  }
  if (mismatched.length) throw ModalflowError.fromProblems(mismatched);
  if (!loaded.length) {
    throw new ModalflowError('MF_WEIGHT_MISSING', `${setting}: no weight of ${file} has the name of a weight of this graph; node ids must match the graph that wrote it`, { file });
  }
  const unused = [...source.keys()].filter((n) => !seeded.has(n));
  return { tensors, loaded, seeded: missing, unused };
}
