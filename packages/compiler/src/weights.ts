import {
  ModalflowError,
  fillWeight,
  numel,
  weightRng,
  type Analysis,
  type Problem,
  type Tensor,
  type WeightSpec,
} from '@modalflow/core';

export type WeightSource = Map<string, Tensor>;

/**
 * Every weight the graph declares, by its full name `<weightPrefix>.<weight>`, in analysis
 * order: a weight of a shared block once, at the first node that holds it.
 */
export function* declaredWeights(analysis: Analysis): Generator<{ node: string; name: string; spec: WeightSpec }> {
  const seen = new Set<string>();
  for (const id of analysis.order) {
    const info = analysis.nodes.get(id)!;
    for (const [weight, spec] of Object.entries(info.weights)) {
      const name = `${info.weightPrefix}.${weight}`;
      if (seen.has(name)) continue;
      seen.add(name);
      yield { node: id, name, spec };
    }
  }
}

/**
 * Checks a supplied weight set against what the graph declares: every declared weight
 * present, float32, with its exact PyTorch-layout shape, and nothing unclaimed.
 */
export function checkWeights(analysis: Analysis, weights: WeightSource, file?: string): void {
  const problems: Problem[] = [];
  const declared = new Set<string>();
  for (const { node, name: full, spec } of declaredWeights(analysis)) {
    declared.add(full);
    const t = weights.get(full);
    const at = { file, node, weight: full };
    if (!t) {
      problems.push({ code: 'MF_WEIGHT_MISSING', message: `weight "${full}" [${spec.shape.join(', ')}] is not in the weights file`, at });
    } else if (t.dtype !== 'float32') {
      problems.push({ code: 'MF_WEIGHT_DTYPE', message: `weight "${full}" is ${t.dtype}, expected float32`, at });
    } else if (t.dims.length !== spec.shape.length || t.dims.some((d, i) => d !== spec.shape[i])) {
      problems.push({
        code: 'MF_WEIGHT_SHAPE',
        message: `weight "${full}" has shape [${t.dims.join(', ')}], expected [${spec.shape.join(', ')}]`,
        at,
      });
    }
  }
  for (const name of weights.keys()) {
    if (!declared.has(name)) {
      const node = name.slice(0, name.lastIndexOf('.'));
      problems.push({ code: 'MF_WEIGHT_EXTRA', message: `the weights file has "${name}", which no node declares`, at: { file, weight: name, node } });
    }
  }
  if (problems.length) throw ModalflowError.fromProblems(problems);
}

/**
 * One node's weights, by their name inside the node: from the supplied set, or generated from
 * (seed, weight prefix, weight name). The prefix is the node id except in shared blocks, whose
 * instances thereby draw the same values.
 */
export function nodeWeights(
  analysis: Analysis,
  id: string,
  supplied: WeightSource | undefined,
): Record<string, Tensor> {
  const info = analysis.nodes.get(id)!;
  const out: Record<string, Tensor> = {};
  for (const [name, spec] of Object.entries(info.weights)) {
    const full = `${info.weightPrefix}.${name}`;
    const given = supplied?.get(full);
    if (given) {
      out[name] = given;
      continue;
    }
    const data = fillWeight(new Float32Array(numel(spec.shape)), spec.init, () => weightRng(analysis.doc.seed, info.weightPrefix, name));
    out[name] = { dtype: 'float32', dims: [...spec.shape], data };
  }
  return out;
}

/** All weights of the graph, named `<nodeId>.<weight>` (shared ones once): what `weights export` writes. */
export function allWeights(analysis: Analysis, supplied?: WeightSource): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const id of analysis.order) {
    const prefix = analysis.nodes.get(id)!.weightPrefix;
    for (const [name, t] of Object.entries(nodeWeights(analysis, id, supplied))) if (!out.has(`${prefix}.${name}`)) out.set(`${prefix}.${name}`, t);
  }
  return out;
}
