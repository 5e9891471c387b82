import * as path from 'node:path';
import type { GraphDoc, NodeRegistry } from '@modalflow/core';
import { analyzeOrThrow, carryWeights as carryByName, type CarriedWeights, type CompileOptions } from '@modalflow/compiler';
import { readSafetensors } from '@modalflow/onnx';
import { readUserFile } from '@modalflow/node-io';

export type { CarriedWeights };

/** `--init`: the graph's weights carried by name from a .safetensors file's bytes (see compiler's carryWeights). */
export function carryWeights(doc: GraphDoc, registry: NodeRegistry, file: string, bytes: Uint8Array, options: CompileOptions = {}): CarriedWeights {
  const source = readSafetensors(bytes, { file }).tensors;
  return carryByName(analyzeOrThrow(doc, registry, options), source, file, '--init');
}

export async function readInitWeights(doc: GraphDoc, registry: NodeRegistry, file: string, cwd: string, options: CompileOptions = {}): Promise<CarriedWeights> {
  const bytes = await readUserFile(path.resolve(cwd, file), 'weights file');
  return carryWeights(doc, registry, file, bytes, options);
}
