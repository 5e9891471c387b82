import { ModalflowError, type Analysis, type Problem, type Tensor } from '@modalflow/core';
import { allWeights, declaredWeights } from './weights.ts';

/** Which of a graph's weights a file would fill by name. */
export interface CarryReport {
  /** Graph weights taken from the file. */
  loaded: string[];
  /** Graph weights the file lacks, which keep their seeded values (a new head). */
  seeded: string[];
  /** Weights of the file no node of this graph declares (a pretraining head left behind). */
  unused: string[];
}

export interface CarriedWeights extends CarryReport {
  /** Every weight of the graph: the file's where the names match, seeded ones elsewhere. */
  tensors: Map<string, Tensor>;
}

/**
 * What carrying `source` into the graph by name would do, from the declared shapes alone (no
 * weight is generated, so it is cheap on a large graph). A weight whose name matches but whose
 * dtype or shape does not is an error, every such weight named with its node, since carrying
 * it would be a bug; so is a file that shares no name with the graph.
 */
export function carryReport(analysis: Analysis, source: ReadonlyMap<string, Tensor>, file: string, setting = '--init'): CarryReport {
  const declared = new Set<string>();
  const loaded: string[] = [];
  const seeded: string[] = [];
  const mismatched: Problem[] = [];
  for (const { name, spec } of declaredWeights(analysis)) {
    declared.add(name);
    const t = source.get(name);
    if (!t) {
      seeded.push(name);
      continue;
    }
    if (t.dtype !== 'float32' || t.dims.length !== spec.shape.length || t.dims.some((d, i) => d !== spec.shape[i])) {
      mismatched.push({
        code: 'MF_WEIGHT_SHAPE',
        message: `${setting}: "${name}" in ${file} is ${t.dtype} [${t.dims.join(', ')}], but the graph declares float32 [${spec.shape.join(', ')}]`,
        at: { file, node: name.slice(0, name.lastIndexOf('.')), weight: name },
      });
      continue;
    }
    loaded.push(name);
  }
  if (mismatched.length) throw ModalflowError.fromProblems(mismatched);
  if (!loaded.length) {
    throw new ModalflowError('MF_WEIGHT_MISSING', `${setting}: no weight of ${file} has the name of a weight of this graph; node ids must match the graph that wrote it`, { file });
  }
  return { loaded, seeded, unused: [...source.keys()].filter((n) => !declared.has(n)) };
}

/**
 * Starts a graph from another graph's trained weights, matched by name (`<nodeId>.<weight>`):
 * what pretraining hands to fine-tuning, a feature extractor to a probe, a teacher to its
 * student. Unlike a complete weights file, the source need not cover the graph, and may hold
 * more (see carryReport for what is refused). `setting` names the option in messages (`--init`
 * on the command line, the train panel's initial weights in the editor).
 */
export function carryWeights(analysis: Analysis, source: ReadonlyMap<string, Tensor>, file: string, setting = '--init'): CarriedWeights {
  const report = carryReport(analysis, source, file, setting);
  const tensors = allWeights(analysis, new Map(report.loaded.map((n) => [n, source.get(n)!])));
  return { tensors, ...report };
}
