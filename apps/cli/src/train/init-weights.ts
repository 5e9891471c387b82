import * as path from 'node:path';
import { ModalflowError, type GraphDoc, type NodeRegistry, type Tensor } from '@modalflow/core';
import { allWeights, analyzeOrThrow, type CompileOptions } from '@modalflow/compiler';
import { readSafetensors } from '@modalflow/onnx';
import { readUserFile } from '@modalflow/node-io';

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
 * student. Unlike --weights, the file need not cover the graph, and may hold more; a weight
 * whose name matches but whose shape does not is an error, since carrying it would be a bug.
 */
export function carryWeights(
  doc: GraphDoc,
  registry: NodeRegistry,
  file: string,
  bytes: Uint8Array,
  options: CompileOptions = {},
): CarriedWeights {
  const source = readSafetensors(bytes, { file }).tensors;
  const analysis = analyzeOrThrow(doc, registry, options);
  const seeded = allWeights(analysis);
  const loaded: string[] = [];
  const missing: string[] = [];
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
      throw new ModalflowError(
        'MF_WEIGHT_SHAPE',
        `--init: "${name}" in ${file} is ${t.dtype} [${t.dims.join(', ')}], but the graph declares float32 [${init.dims.join(', ')}]`,
        { file, node, weight: name },
      );
    }
    loaded.push(name);
    tensors.set(name, t);
  }
  if (!loaded.length) {
    throw new ModalflowError('MF_WEIGHT_MISSING', `--init: no weight of ${file} has the name of a weight of this graph; node ids must match the graph that wrote it`, { file });
  }
  const unused = [...source.keys()].filter((n) => !seeded.has(n));
  return { tensors, loaded, seeded: missing, unused };
}

export async function readInitWeights(doc: GraphDoc, registry: NodeRegistry, file: string, cwd: string, options: CompileOptions = {}): Promise<CarriedWeights> {
  const bytes = await readUserFile(path.resolve(cwd, file), 'weights file');
  return carryWeights(doc, registry, file, bytes, options);
}
