import { isModalflowError, loadGraph, parseGraph, serializeGraph, type GraphDoc } from '@modalflow/core';
import { isEvalReportText, parseEvalReport } from '@modalflow/eval';
import { setSaveName, type EditorStore } from '../store/createEditorStore.ts';
import type { UiStore } from '../ui/uiStore.ts';

/** Saved text in the schema's own key order, so save → open → save gives the same bytes. */
export function documentText(doc: GraphDoc): string {
  return serializeGraph(loadGraph(JSON.parse(JSON.stringify(doc))));
}

export function fileNameFor(doc: GraphDoc, current: string | null): string {
  if (current) return current;
  const slug = (doc.meta.title ?? 'graph').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return `${slug || 'graph'}.json`;
}

export function downloadBlob(name: string, blob: Blob) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Opens a graph file. A file that does not load is reported with each problem's code and
 * location, and the current document stays as it was.
 */
export async function openFile(file: File, editor: EditorStore, ui: UiStore): Promise<boolean> {
  let text: string;
  try {
    text = await file.text();
  } catch (e) {
    ui.getState().set({ report: { title: `Could not open ${file.name}`, problems: [{ code: 'MF_READ', message: (e as Error).message, at: { file: file.name } }] } });
    return false;
  }
  return openText(text, file.name, editor, ui);
}

export function openText(text: string, name: string, editor: EditorStore, ui: UiStore): boolean {
  // A report from `modalflow eval` opens as a report; the graph stays as it is.
  if (isEvalReportText(text)) {
    try {
      ui.getState().set({ evalReport: { name, report: parseEvalReport(text, name) }, report: null });
      return true;
    } catch (e) {
      if (!isModalflowError(e)) throw e;
      ui.getState().set({ report: { title: `Could not open ${name}`, problems: e.problems } });
      return false;
    }
  }
  try {
    const doc = parseGraph(text, { file: name });
    editor.getState().replaceDocument(doc, name);
    forgetSaveHandle();
    ui.getState().set({ report: null, fitSeq: ui.getState().fitSeq + 1 });
    // A file that parses can still describe a graph that does not hold together: say so at once, and offer the way back.
    const problems = editor.getState().analysis.problems.filter((p) => p.severity !== 'warning');
    if (problems.length) {
      const first = problems.slice(0, 2).map((p) => `${p.code}${p.at.node ? ` at ${p.at.node}` : ''}: ${p.message}`);
      ui.getState().notify({
        kind: 'error',
        title: `Opened ${name} with ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
        detail: `${first.join('; ')}${problems.length > 2 ? '; …' : ''}. The inspector lists them all.`,
        action: { label: 'Go back', run: () => editor.getState().undo() },
        testId: 'toast-opened-with-problems',
      });
    } else {
      ui.getState().notify({ kind: 'success', title: `Opened ${name}` });
    }
    return true;
  } catch (e) {
    if (!isModalflowError(e)) throw e;
    ui.getState().set({ report: { title: `Could not open ${name}`, problems: e.problems } });
    return false;
  }
}

type SaveHandle = { createWritable(): Promise<{ write(d: string): Promise<void>; close(): Promise<void> }>; name: string };
type SavePicker = (o: { suggestedName: string; types: { description: string; accept: Record<string, string[]> }[] }) => Promise<SaveHandle>;

let handle: SaveHandle | null = null;

/** Saves through the File System Access API where the browser has it (later saves reuse the file), else downloads. */
export async function saveDocument(editor: EditorStore, ui: UiStore, options: { saveAs?: boolean } = {}): Promise<void> {
  const { doc, fileName } = editor.getState();
  const text = documentText(doc);
  const name = fileNameFor(doc, fileName);
  const picker = (window as unknown as { showSaveFilePicker?: SavePicker }).showSaveFilePicker;
  if (picker) {
    try {
      // A handle is the file this document was saved to; any other document (opened, an example, new) asks anew.
      if (!handle || options.saveAs || handle.name !== fileName) {
        handle = await picker({ suggestedName: name, types: [{ description: 'ModalFlow graph', accept: { 'application/json': ['.json'] } }] });
      }
      const w = await handle.createWritable();
      await w.write(text);
      await w.close();
      setSaveName(editor, handle.name);
      ui.getState().notify({ kind: 'success', title: `Saved ${handle.name}` });
    } catch (e) {
      if ((e as Error).name !== 'AbortError') ui.getState().notify({ kind: 'error', title: 'Could not save', detail: (e as Error).message });
    }
    return;
  }
  downloadBlob(name, new Blob([text], { type: 'application/json' }));
  ui.getState().notify({ kind: 'success', title: `Downloaded ${name}` });
}

export function forgetSaveHandle() {
  handle = null;
}
