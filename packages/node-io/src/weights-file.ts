import * as path from 'node:path';
import { ModalflowError, checkDocumentUri, sha256Hex, type Tensor } from '@modalflow/core';
import { readSafetensors } from '@modalflow/onnx';
import { readUserFile } from './files.ts';
import type { GraphFile } from './graph-file.ts';

export interface LoadedWeights {
  tensors: Map<string, Tensor>;
  /** Where they came from, for messages. */
  file: string;
}

/**
 * The weights a run uses: the user's `--weights` file, else the file the document names
 * (relative to the graph's folder), else none and the compiler seeds them.
 */
export async function loadWeights(graph: GraphFile, override: string | undefined, cwd: string): Promise<LoadedWeights | undefined> {
  if (override !== undefined) {
    const abs = path.resolve(cwd, override);
    const bytes = await readUserFile(abs, 'weights file');
    return { tensors: readSafetensors(bytes, { file: override }).tensors, file: override };
  }
  const ref = graph.doc.weights;
  if (!ref) return undefined;
  // Validation reports this too; checking here keeps a caller that skips it from reading outside.
  const why = checkDocumentUri(ref.uri);
  if (why) throw new ModalflowError('MF_ASSET_ESCAPES', why, { file: graph.file, path: '/weights/uri' });
  const abs = path.resolve(graph.dir, ref.uri);
  const shown = path.join(path.dirname(graph.file), ref.uri);
  let bytes: Uint8Array;
  try {
    bytes = await readUserFile(abs, 'weights file');
  } catch (e) {
    if (e instanceof ModalflowError && e.code === 'MF_FILE_NOT_FOUND') {
      throw new ModalflowError(
        'MF_FILE_NOT_FOUND',
        `the graph names weights "${ref.uri}", but ${shown} does not exist; export them with \`modalflow weights export\` or pass --weights`,
        { file: graph.file, path: '/weights/uri' },
      );
    }
    throw e;
  }
  if (ref.sha256 && sha256Hex(bytes) !== ref.sha256) {
    throw new ModalflowError('MF_WEIGHTS_HASH', `${shown} does not match the sha256 the graph records for it`, {
      file: graph.file,
      path: '/weights/sha256',
    });
  }
  return { tensors: readSafetensors(bytes, { file: shown }).tensors, file: shown };
}
