import type { z } from 'zod';
import { ModalflowError } from './errors.ts';
import { sha256Hex } from './hash.ts';
import { parseJson } from './load.ts';
import { BLOCK_LIBRARY_FORMAT, BlockLibrarySchema, type BlockLibraryDoc } from './block-schema.ts';

/** Text of a block library file by its URI in the document; undefined when it is not there. */
export type BlockLibraryLookup = (uri: string) => string | undefined;

/**
 * Reads a block library file, refusing it unless its SHA-256 is the one the document pinned:
 * a library edited behind the graph's back would silently change what the graph computes.
 */
export function loadBlockLibrary(text: string, options: { file: string; sha256?: string }): BlockLibraryDoc {
  const { file } = options;
  if (options.sha256 !== undefined) {
    const actual = sha256Hex(text);
    if (actual !== options.sha256) {
      throw new ModalflowError('MF_BLOCK_FILE_HASH', `block library "${file}" has SHA-256 ${actual}, but the graph pins ${options.sha256}; it was changed since the graph was saved`, { file });
    }
  }
  return parseBlockLibrary(text, file);
}

export function parseBlockLibrary(text: string, file: string): BlockLibraryDoc {
  const raw = parseJson(text, file);
  if (typeof raw !== 'object' || raw === null || (raw as Record<string, unknown>)['format'] !== BLOCK_LIBRARY_FORMAT) {
    throw new ModalflowError('MF_NOT_A_BLOCK_LIBRARY', `"format" must be "${BLOCK_LIBRARY_FORMAT}"`, { file, path: '/format' });
  }
  const result = BlockLibrarySchema.safeParse(raw);
  if (!result.success) throw ModalflowError.fromProblems(libraryProblems(result.error, file));
  return result.data;
}

function libraryProblems(error: z.ZodError, file: string) {
  return error.issues.map((issue) => ({
    code: 'MF_SCHEMA',
    message: `${issue.path.length ? `"${String(issue.path[issue.path.length - 1])}" ` : ''}${issue.message}`,
    at: { file, path: '/' + issue.path.map(String).join('/') },
  }));
}

/** Serialises blocks as a library file; its SHA-256 is what a graph pins. */
export function serializeBlockLibrary(blocks: BlockLibraryDoc['blocks'], meta: BlockLibraryDoc['meta'] = {}): string {
  const doc: BlockLibraryDoc = { format: BLOCK_LIBRARY_FORMAT, version: 1, meta, blocks };
  return JSON.stringify(doc, null, 2) + '\n';
}
