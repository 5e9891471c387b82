import { ModalflowError, type Tensor } from '@modalflow/core';
import { readModel, type OnnxGraph } from '@modalflow/onnx';

/** Opsets whose ops mean what the IR's rules say (opset 13 moved axes to inputs; 18 moved more). */
const MIN_OPSET = 13;
const MAX_OPSET = 17;

export interface ImportedModel {
  graph: OnnxGraph;
  /** Float initializers: the model's own weights, by their names in the file. */
  weights: Map<string, Tensor>;
}

/** Decodes an imported model for training and checks that its ops can be read by the IR's rules. */
export function readImported(bytes: Uint8Array, node: string, file?: string): ImportedModel {
  const { info, graph } = readModel(bytes, { file });
  const opset = info.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0;
  if (opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new ModalflowError(
      'MF_TRAIN_IMPORTED_OPSET',
      `the imported model uses opset ${opset}; training reads opsets ${MIN_OPSET} to ${MAX_OPSET} (re-export it, e.g. torch.onnx.export(..., opset_version=17))`,
      { file, node },
    );
  }
  const weights = new Map<string, Tensor>();
  for (const [name, t] of graph.initializers) if (t.dtype === 'float32') weights.set(name, t);
  return { graph, weights };
}

/** The weight name of an imported model's initializer in the graph: `<nodeId>.<initializer>`. */
export const importedWeight = (node: string, init: string) => `${node}.${init}`;

/**
 * Copies an imported model's nodes into `g`: its inputs become the values `inputs` names, its
 * other values get fresh names under the node's scope, and its float initializers become the
 * graph's initializers `<nodeId>.<name>` (with the values in `weights` when given), so a step
 * model can turn them into trainable inputs like any node's weights. Returns the value of each
 * model output by its name in the file.
 */
export function inlineModel(
  g: OnnxGraph,
  node: string,
  model: ImportedModel,
  inputs: Record<string, string>,
  weights: Map<string, Tensor> | undefined,
): Record<string, string> {
  const rename = new Map<string, string>();
  for (const [name, value] of Object.entries(inputs)) rename.set(name, value);
  for (const [name, t] of model.graph.initializers) {
    if (rename.has(name)) continue;
    const full = importedWeight(node, name);
    if (model.weights.has(name)) {
      rename.set(name, g.addInitializer(full, weights?.get(full) ?? t));
    } else rename.set(name, g.constant(t, `${node}_const`));
  }
  const valueOf = (v: string): string => {
    if (v === '') return v;
    let r = rename.get(v);
    if (r === undefined) {
      r = g.unique(`${node}/${v}`);
      rename.set(v, r);
    }
    return r;
  };
  for (const n of model.graph.nodes) {
    if (n.domain && n.domain !== 'ai.onnx') {
      throw new ModalflowError('MF_GRAD_NO_RULE', `the imported model uses ${n.domain}.${n.opType} (node "${n.name}"), which has no rule in the IR`, { node });
    }
    g.nodes.push({ ...n, name: g.unique(`${node}/${n.name || n.opType}`), inputs: n.inputs.map(valueOf), outputs: n.outputs.map(valueOf), attrs: { ...n.attrs } });
  }
  const out: Record<string, string> = {};
  for (const o of model.graph.outputs) out[o.name] = valueOf(o.name);
  return out;
}
