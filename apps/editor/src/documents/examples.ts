import { isModalflowError, parseGraph, type GraphDoc } from '@modalflow/core';

export interface Example {
  /** The example's folder name. */
  id: string;
  title: string;
  description: string;
  doc: GraphDoc | null;
  /** Why the example does not load, if it does not. */
  error: string | null;
  /** The same graph at toy sizes (`tiny.json`), which compiles and runs in the browser in seconds. */
  tiny: GraphDoc | null;
  /**
   * The URL of the tiny variant's weights after its README's training command
   * (`trained.safetensors`), resolved only when asked for: the files are served, not bundled.
   */
  trained: (() => Promise<string>) | null;
}

// Every examples/<name>/graph.json of the repository, bundled as text at build time.
const files = import.meta.glob<string>('../../../../examples/*/graph.json', { query: '?raw', import: 'default', eager: true });
const tinyFiles = import.meta.glob<string>('../../../../examples/*/tiny.json', { query: '?raw', import: 'default', eager: true });
const trainedFiles = import.meta.glob<string>('../../../../examples/*/trained.safetensors', { query: '?url', import: 'default' });

const folderOf = (path: string) => path.split('/').at(-2) ?? path;

export function loadExamples(
  sources: Record<string, string> = files,
  tinySources: Record<string, string> = tinyFiles,
  trainedSources: Record<string, () => Promise<string>> = trainedFiles,
): Example[] {
  const tiny = new Map(Object.entries(tinySources).map(([path, text]) => [folderOf(path), text]));
  const trained = new Map(Object.entries(trainedSources).map(([path, url]) => [folderOf(path), url]));
  const tinyDoc = (id: string) => {
    const text = tiny.get(id);
    if (!text) return null;
    try {
      return parseGraph(text, { file: `examples/${id}/tiny.json` });
    } catch {
      // A tiny variant that does not load is left out; the full example still opens.
      return null;
    }
  };
  return Object.entries(sources)
    .map(([path, text]): Example => {
      const id = folderOf(path);
      try {
        const doc = parseGraph(text, { file: `examples/${id}/graph.json` });
        const small = tinyDoc(id);
        return { id, title: doc.meta.title ?? id, description: doc.meta.description ?? '', doc, error: null, tiny: small, trained: small ? (trained.get(id) ?? null) : null };
      } catch (e) {
        const message = isModalflowError(e) ? e.message : String(e);
        return { id, title: id, description: '', doc: null, error: message, tiny: null, trained: null };
      }
    })
    .sort((a, b) => a.title.localeCompare(b.title));
}
