import * as path from 'node:path';
import { parseGraph, type GraphDoc } from '@modalflow/core';
import { readUserText } from './files.ts';

export interface GraphFile {
  /** The path as the user wrote it: what messages show. */
  file: string;
  /** Folder that relative URIs in the document are resolved against. */
  dir: string;
  doc: GraphDoc;
}

export async function loadGraphFile(file: string, cwd: string): Promise<GraphFile> {
  const abs = path.resolve(cwd, file);
  const text = await readUserText(abs, 'graph file');
  return { file, dir: path.dirname(abs), doc: parseGraph(text, { file }) };
}
