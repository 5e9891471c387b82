import * as path from 'node:path';
import { checkDocumentUri, parseGraph, type BlockLibraryLookup, type GraphDoc } from '@modalflow/core';
import { readUserFile, readUserText } from './files.ts';

export interface GraphFile {
  /** The path as the user wrote it: what messages show. */
  file: string;
  /** Folder that relative URIs in the document are resolved against. */
  dir: string;
  doc: GraphDoc;
  /** The block library files the document pins, read from beside it. */
  library: BlockLibraryLookup;
}

export async function loadGraphFile(file: string, cwd: string): Promise<GraphFile> {
  const abs = path.resolve(cwd, file);
  const text = await readUserText(abs, 'graph file');
  const doc = parseGraph(text, { file });
  const dir = path.dirname(abs);
  return { file, dir, doc, library: await readBlockLibraries(doc, dir) };
}

/**
 * Reads every library the document names, byte for byte (a byte-order mark included, since
 * the pinned SHA-256 covers the file's bytes). Files that are missing, unreadable or outside
 * the graph's folder are left out; analysis reports them with the document's location.
 */
export async function readBlockLibraries(doc: GraphDoc, dir: string): Promise<BlockLibraryLookup> {
  const texts = new Map<string, string>();
  for (const { uri } of doc.blockLibraries ?? []) {
    if (checkDocumentUri(uri) !== null || texts.has(uri)) continue;
    try {
      const bytes = await readUserFile(path.join(dir, uri), 'block library');
      texts.set(uri, new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes));
    } catch {
      // Reported by analysis as MF_BLOCK_FILE_MISSING at the document's entry.
    }
  }
  return (uri) => texts.get(uri);
}
