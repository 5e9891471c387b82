import type { ChangeEvent } from 'react';
import { OPEN_INPUT_ID, type Actions } from '../app/actions.ts';
import { useEditor, useEditorApi, useHistory, useUi, useUiApi } from '../app/context.tsx';
import { openFile } from '../documents/files.ts';
import { Icon, Logo } from './icons.tsx';

function ToolButton({ icon, label, onClick, disabled, testId, kbd, text }: { icon: string; label: string; onClick: () => void; disabled?: boolean; testId: string; kbd?: string; text?: boolean }) {
  return (
    <button type="button" className={`mf-tool${text ? ' mf-tool--text' : ''}`} onClick={onClick} disabled={disabled} title={kbd ? `${label} (${kbd})` : label} aria-label={label} data-testid={testId}>
      <Icon name={icon} />
      {text && <span>{label}</span>}
    </button>
  );
}

export function Toolbar({ actions }: { actions: Actions }) {
  const title = useEditor((s) => s.doc.meta.title || 'Untitled');
  const fileName = useEditor((s) => s.fileName);
  const canUndo = useHistory((s) => s.pastStates.length > 0);
  const canRedo = useHistory((s) => s.futureStates.length > 0);
  const theme = useUi((s) => s.theme);
  const busy = useUi((s) => s.busy);
  const runOpen = useUi((s) => s.runOpen);
  const trainOpen = useUi((s) => s.trainOpen);
  const editor = useEditorApi();
  const ui = useUiApi();

  const onFile = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (file) void openFile(file, editor, ui);
  };

  return (
    <header className="mf-toolbar">
      <div className="mf-brand">
        <Logo />
        <span className="mf-brand__name">ModalFlow</span>
      </div>
      <div className="mf-doc-title" title={fileName ?? 'Not saved to a file yet'}>
        <span className="mf-doc-title__text" data-testid="doc-title">{title}</span>
        {fileName && <span className="mf-doc-title__file">{fileName}</span>}
      </div>
      <div className="mf-toolbar__group">
        <ToolButton icon="new" label="New" onClick={actions.new} testId="btn-new" />
        <ToolButton icon="open" label="Open" onClick={actions.open} testId="btn-open" kbd="Ctrl+O" />
        <ToolButton icon="save" label="Save" onClick={actions.save} testId="btn-save" kbd="Ctrl+S" />
        <input id={OPEN_INPUT_ID} type="file" accept=".json,application/json" hidden onChange={onFile} data-testid="open-input" />
      </div>
      <div className="mf-toolbar__group">
        <ToolButton icon="undo" label="Undo" onClick={actions.undo} disabled={!canUndo} testId="btn-undo" kbd="Ctrl+Z" />
        <ToolButton icon="redo" label="Redo" onClick={actions.redo} disabled={!canRedo} testId="btn-redo" kbd="Ctrl+Shift+Z" />
      </div>
      <div className="mf-toolbar__group">
        <ToolButton icon="layout" label="Auto layout" onClick={actions.layout} testId="btn-layout" kbd="L" />
        <ToolButton icon="fit" label="Fit view" onClick={actions.fit} testId="btn-fit" kbd="F" />
      </div>
      <div className="mf-toolbar__spacer">{busy && <span className="mf-busy" data-testid="busy"><span className="mf-spinner" />{busy}</span>}</div>
      <div className="mf-toolbar__group">
        <ToolButton icon="examples" label="Examples" onClick={actions.examples} testId="btn-examples" text />
        <button type="button" className={`mf-tool mf-tool--text mf-tool--run${runOpen ? ' is-on' : ''}`} onClick={actions.runPanel} title="Run in the browser (Ctrl+Enter runs)" aria-pressed={runOpen} data-testid="btn-run-panel">
          <Icon name="play" />
          <span>Run</span>
        </button>
        <button type="button" className={`mf-tool mf-tool--text mf-tool--run${trainOpen ? ' is-on' : ''}`} onClick={actions.trainPanel} title="Train the graph in the browser" aria-pressed={trainOpen} data-testid="btn-train-panel">
          <Icon name="train" />
          <span>Train</span>
        </button>
        <ToolButton icon="export" label="Export ONNX" onClick={actions.exportOnnx} disabled={!!busy} testId="btn-export" text />
      </div>
      <div className="mf-toolbar__group">
        <ToolButton icon={theme === 'dark' ? 'sun' : 'moon'} label={theme === 'dark' ? 'Light theme' : 'Dark theme'} onClick={actions.toggleTheme} testId="btn-theme" />
        <ToolButton icon="help" label="Keyboard shortcuts" onClick={actions.help} testId="btn-help" kbd="?" />
      </div>
    </header>
  );
}
