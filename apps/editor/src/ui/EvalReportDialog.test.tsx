// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { EditorProvider } from '../app/context.tsx';
import { createEditorStore } from '../store/createEditorStore.ts';
import { createUiStore } from './uiStore.ts';
import { chainDoc, fixtureRegistry } from '../test/fixtures.ts';
import { render } from '../test/dom.ts';
import { openText } from '../documents/files.ts';
import { EvalReportDialog } from './EvalReportDialog.tsx';

const report = {
  format: 'modalflow.eval-report',
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  graph: 'vqa.json',
  dataset: { format: 'vqa', file: 'questions.json', rows: 2 },
  sections: [
    {
      task: 'vqa',
      metrics: { 'VQA accuracy': 61.5 },
      breakdowns: [{ title: 'By answer type', columns: ['questions', 'accuracy'], rows: [{ key: 'number', values: [2, 61.5] }] }],
      worst: [{ id: 1, score: 0, media: ['val2014/COCO_val2014_000000000001.jpg'], text: 'how many dogs?', prediction: '3', expected: ['2'] }],
      skipped: [],
      count: 2,
    },
  ],
};

let cleanup: (() => void) | null = null;
afterEach(() => cleanup?.());

describe('opening an evaluation report', () => {
  it('shows the report page and leaves the graph alone', () => {
    const doc = chainDoc();
    const editor = createEditorStore({ registry: fixtureRegistry(), doc });
    const ui = createUiStore('light');
    expect(openText(JSON.stringify(report, null, 1), 'report.json', editor, ui)).toBe(true);
    expect(editor.getState().doc).toBe(doc);
    const r = render(
      <EditorProvider editor={editor} ui={ui}>
        <EvalReportDialog />
      </EditorProvider>,
    );
    cleanup = r.unmount;
    const frame = document.querySelector('[data-testid="eval-report-frame"]') as HTMLIFrameElement;
    const page = frame.getAttribute('srcdoc')!;
    expect(page).toContain('<tr><th>VQA accuracy</th><td>61.50</td></tr>');
    expect(page).toContain('how many dogs?');
    expect(page).toContain('<code>val2014/COCO_val2014_000000000001.jpg</code>');
  });

  it('reports a damaged report with the field at fault', () => {
    const editor = createEditorStore({ registry: fixtureRegistry(), doc: chainDoc() });
    const ui = createUiStore('light');
    const bad = JSON.stringify({ ...report, sections: [{ ...report.sections[0], count: 'two' }] });
    expect(openText(bad, 'report.json', editor, ui)).toBe(false);
    expect(ui.getState().evalReport).toBeNull();
    expect(ui.getState().report?.problems[0]).toMatchObject({ code: 'MF_DATA_FIELD', at: { file: 'report.json', path: '/sections/0/count' } });
  });
});
