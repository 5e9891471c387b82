import type { GraphDoc } from '@modalflow/core';
import { VARIANTS, folderFile, folderPaths } from './modelFolder.ts';

/** A folder the user picked: the paths in it that matter, and a way to read them. */
export interface PickedFolder {
  name: string;
  paths: string[];
  read(path: string): Promise<Uint8Array>;
}

/** From an `<input webkitdirectory>`: every file, named by its path inside the folder. */
export function folderFromFiles(files: readonly File[]): PickedFolder | null {
  if (!files.length) return null;
  const raw = files.map((f) => (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name);
  const paths = folderPaths(raw);
  const byPath = new Map(paths.map((p, i) => [p, files[i]!]));
  const name = raw[0]!.includes('/') ? raw[0]!.split('/')[0]! : 'folder';
  return {
    name,
    paths,
    async read(path) {
      const f = byPath.get(path);
      if (!f) throw new Error(`${path} is not in the folder`);
      return new Uint8Array(await f.arrayBuffer());
    },
  };
}

interface DirHandle {
  name: string;
  getDirectoryHandle(name: string): Promise<DirHandle>;
  getFileHandle(name: string): Promise<{ getFile(): Promise<File> }>;
}

/** The files the graph could use that exist in the folder: each asset's file in every precision. */
function candidates(doc: GraphDoc): string[] {
  const out = new Set<string>();
  for (const ref of Object.values(doc.assets ?? {})) {
    for (const v of [undefined, ...VARIANTS]) {
      const p = folderFile(ref.uri, v);
      if (p) out.add(p);
    }
  }
  return [...out];
}

async function fileAt(dir: DirHandle, path: string): Promise<File | null> {
  const parts = path.split('/');
  try {
    let d = dir;
    for (const p of parts.slice(0, -1)) d = await d.getDirectoryHandle(p);
    return await (await d.getFileHandle(parts.at(-1)!)).getFile();
  } catch {
    return null;
  }
}

type DirectoryPicker = (options?: { mode?: 'read' | 'readwrite'; id?: string }) => Promise<DirHandle>;

export const hasDirectoryPicker = () => typeof (window as unknown as { showDirectoryPicker?: unknown }).showDirectoryPicker === 'function';

/**
 * Asks for a folder with the File System Access API, then looks only at the files the graph's
 * assets could be (a model folder holds many large files the graph never reads). Null when the
 * user cancels.
 */
export async function pickFolder(doc: GraphDoc): Promise<PickedFolder | null> {
  const picker = (window as unknown as { showDirectoryPicker: DirectoryPicker }).showDirectoryPicker;
  let dir: DirHandle;
  try {
    dir = await picker({ mode: 'read', id: 'modalflow-model-folder' });
  } catch (e) {
    if ((e as Error).name === 'AbortError') return null;
    throw e;
  }
  const found = new Map<string, File>();
  await Promise.all(
    candidates(doc).map(async (p) => {
      const f = await fileAt(dir, p);
      if (f) found.set(p, f);
    }),
  );
  return {
    name: dir.name,
    paths: [...found.keys()],
    async read(path) {
      const f = found.get(path);
      if (!f) throw new Error(`${path} is not in the folder`);
      return new Uint8Array(await f.arrayBuffer());
    },
  };
}

/** Hex SHA-256 with the browser's own digest, much faster than hashing large models in JavaScript. */
export async function digest(bytes: Uint8Array): Promise<string | undefined> {
  if (!globalThis.crypto?.subtle) return undefined;
  const hash = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, '0')).join('');
}
