import { isModalflowError, type Problem } from './errors.ts';
import type { GraphDoc } from './document.ts';
import { checkDocumentUri } from './assets.ts';
import type { BlockDoc } from './block-schema.ts';
import { loadBlockLibrary, type BlockLibraryLookup } from './block-library.ts';

/** A block definition and where it was written, for error locations. */
export interface BlockEntry {
  name: string;
  block: BlockDoc;
  /** The library file it came from; absent for blocks in the document itself. */
  library?: string;
  /** JSON pointer of the definition inside its file. */
  path: string;
}

/** The blocks a document can use: its own and those of the libraries it pins. */
export class BlockSet {
  private readonly entries = new Map<string, BlockEntry>();

  constructor(entries: Iterable<BlockEntry> = []) {
    for (const e of entries) this.entries.set(e.name, e);
  }

  get(name: string): BlockEntry | undefined {
    return this.entries.get(name);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  list(): BlockEntry[] {
    return [...this.entries.values()];
  }

  get size(): number {
    return this.entries.size;
  }
}

export interface CollectOptions {
  file?: string;
  /** Reads a block library file named in `blockLibraries`. */
  library?: BlockLibraryLookup;
}

/** Gathers the document's blocks and its libraries' blocks; a name defined twice is an error. */
export function collectBlocks(doc: GraphDoc, options: CollectOptions = {}): { blocks: BlockSet; problems: Problem[] } {
  const problems: Problem[] = [];
  const entries: BlockEntry[] = [];
  const seen = new Map<string, BlockEntry>();
  const add = (e: BlockEntry) => {
    const prior = seen.get(e.name);
    if (prior) {
      problems.push({
        code: 'MF_BLOCK_DUPLICATE',
        message: `block "${e.name}" is defined twice (${prior.library ?? 'in the graph'} and ${e.library ?? 'in the graph'})`,
        at: { file: e.library ?? options.file, block: e.name, path: e.path },
      });
      return;
    }
    seen.set(e.name, e);
    entries.push(e);
  };
  for (const [name, block] of Object.entries(doc.blocks ?? {})) add({ name, block, path: `/blocks/${name}` });
  (doc.blockLibraries ?? []).forEach((ref, i) => {
    const at = { file: options.file, path: `/blockLibraries/${i}/uri` };
    const escapes = checkDocumentUri(ref.uri);
    if (escapes) {
      problems.push({ code: 'MF_ASSET_ESCAPES', message: escapes, at });
      return;
    }
    const text = options.library?.(ref.uri);
    if (text === undefined) {
      problems.push({ code: 'MF_BLOCK_FILE_MISSING', message: `block library "${ref.uri}" could not be read`, at });
      return;
    }
    try {
      const lib = loadBlockLibrary(text, { file: ref.uri, sha256: ref.sha256 });
      for (const [name, block] of Object.entries(lib.blocks)) add({ name, block, library: ref.uri, path: `/blocks/${name}` });
    } catch (e) {
      if (!isModalflowError(e)) throw e;
      for (const p of e.problems) problems.push({ ...p, at: { ...p.at, file: ref.uri } });
    }
  });
  return { blocks: new BlockSet(entries), problems };
}
