import { isModalflowError, parseGraph, type GraphDoc } from '@modalflow/core';

export interface Example {
  /** The example's folder name. */
  id: string;
  title: string;
  description: string;
  doc: GraphDoc | null;
  /** Why the example does not load, if it does not. */
  error: string | null;
}

// Every examples/<name>/graph.json of the repository, bundled as text at build time.
const files = import.meta.glob<string>('../../../../examples/*/graph.json', { query: '?raw', import: 'default', eager: true });

export function loadExamples(sources: Record<string, string> = files): Example[] {
  return Object.entries(sources)
    .map(([path, text]): Example => {
      const id = path.split('/').at(-2) ?? path;
      try {
        const doc = parseGraph(text, { file: `examples/${id}/graph.json` });
        return { id, title: doc.meta.title ?? id, description: doc.meta.description ?? '', doc, error: null };
      } catch (e) {
        const message = isModalflowError(e) ? e.message : String(e);
        return { id, title: id, description: '', doc: null, error: message };
      }
    })
    .sort((a, b) => a.title.localeCompare(b.title));
}
