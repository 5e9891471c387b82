import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { emptyGraph } from '@modalflow/core';
import { createRegistry } from '@modalflow/nodes';
import '@xyflow/react/dist/base.css';
import 'katex/dist/katex.min.css';
import './styles/index.css';
import { App } from './app/App.tsx';
import { enableRenderCounts } from './bench/counters.ts';
import { generateGraph } from './bench/generate.ts';
import { Runner } from './run/runner.ts';
import { Trainer } from './train/trainer.ts';
import { attachTrainSettingsStorage } from './train/persist.ts';
import { attachAutosave, readAutosave } from './store/autosave.ts';
import { createEditorStore } from './store/createEditorStore.ts';
import { applyTheme, readTheme } from './ui/theme.ts';
import { createUiStore } from './ui/uiStore.ts';

const query = new URLSearchParams(location.search);
const benchSize = Number(query.get('bench') ?? 0);
const registry = createRegistry();

async function startingDocument() {
  if (benchSize > 0) return generateGraph(benchSize);
  const saved = readAutosave(localStorage);
  if (saved) return saved;
  // The examples are text for every example graph: fetched only when there is no graph of the user's to show.
  const { loadExamples } = await import('./documents/examples.ts');
  const examples = loadExamples();
  return (examples.find((e) => e.id === 'late-fusion') ?? examples[0])?.doc ?? emptyGraph();
}

const bootStart = performance.now();
const editor = createEditorStore({ registry, doc: await startingDocument() });
const runner = new Runner(editor, registry);
const trainer = new Trainer(editor);
const ui = createUiStore(readTheme());
applyTheme(ui.getState().theme, false);

if (benchSize > 0) {
  // The benchmark must not overwrite the user's autosave, and reads render counts from here.
  (window as unknown as Record<string, unknown>)['__modalflowBench'] = { renders: enableRenderCounts(), start: performance.now(), boot: bootStart };
} else {
  const autosave = attachAutosave(editor, localStorage, {
    onSaved: (at) => ui.getState().set({ savedAt: at }),
    onError: () => ui.getState().notify({ kind: 'error', title: 'Autosave failed', detail: 'Browser storage is full or blocked; save the graph to a file.' }),
  });
  addEventListener('pagehide', () => autosave.flush());
  attachTrainSettingsStorage(editor, localStorage);
  addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && autosave.flush());
}

// A handle for the browser console and end-to-end tests.
(window as unknown as Record<string, unknown>)['modalflow'] = { editor, ui, registry, runner, trainer };

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App editor={editor} ui={ui} runner={runner} trainer={trainer} />
  </StrictMode>,
);
