import { useEffect, useState, type ChangeEvent, type DragEvent } from 'react';
import { useEditor, useEditorApi, useTrainer, useUiApi } from '../app/context.tsx';
import type { InitReport } from './protocol.ts';
import type { TrainSettings } from './settings.ts';
import './InitSettings.css';

/** At most this many names in a list, then a count: a VQA model has dozens of weights. */
function names(list: readonly string[], most = 6): string {
  if (!list.length) return 'none';
  return list.slice(0, most).join(', ') + (list.length > most ? ` and ${list.length - most} more` : '');
}

/** The report in the words of `modalflow train --init`: what came from the file, what stayed seeded, what the file had besides. */
export function initReportText(r: InitReport): string {
  return `${r.loaded.length} weights carried by name from ${r.file}; ${r.seeded.length} seeded (${names(r.seeded)}); ${r.unused.length} of the file unused${r.unused.length ? ` (${names(r.unused, 3)})` : ''}`;
}

/**
 * Where training starts: the graph's seeded weights, or another graph's file carried by name
 * (a lesson names its own), and how many training examples of each class it keeps.
 */
export function InitSettings({ settings, disabled }: { settings: TrainSettings; disabled: boolean }) {
  const editor = useEditorApi();
  const ui = useUiApi();
  const trainer = useTrainer();
  const ran = useEditor((s) => s.train.init);
  // What choosing a file found, until a run reports what it carried.
  const [preview, setPreview] = useState<InitReport | null>(null);
  const init = settings.init;
  useEffect(() => {
    if (!init || preview?.file !== init.name) setPreview(null);
  }, [init, preview]);
  const report = init ? (ran?.file === init.name ? ran : preview) : null;
  const [shots, setShots] = useState(String(settings.shots));
  useEffect(() => setShots((t) => (Number(t) === settings.shots ? t : String(settings.shots))), [settings.shots]);

  const [over, setOver] = useState(false);
  const choose = async (file: File | undefined) => {
    if (!file || !trainer || disabled) return;
    if (!/\.safetensors$/i.test(file.name)) {
      ui.getState().notify({ kind: 'error', title: `${file.name} is not a .safetensors file`, detail: 'Initial weights come from a .safetensors file, such as modalflow train --out or Save weights writes.' });
      return;
    }
    const result = trainer.chooseInit(file.name, new Uint8Array(await file.arrayBuffer()));
    if (result.ok) setPreview(result.report);
    else ui.getState().set({ report: { title: `${file.name} cannot start this graph`, problems: result.problems } });
  };
  const onFile = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    void choose(file);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    e.stopPropagation();
    setOver(false);
    void choose(e.dataTransfer.files[0]);
  };

  return (
    <section
      className={`mf-train__section${over ? ' is-over' : ''}`}
      data-testid="train-init"
      title="Drop a .safetensors file here to carry its weights by name"
      onDragOver={(e) => {
        if (disabled || ![...e.dataTransfer.types].includes('Files')) return;
        e.preventDefault();
        e.stopPropagation();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <h5>Start from</h5>
      <span className="mf-weights">
        <span className={`mf-chip-status${init ? ' is-ok' : ''}`} data-testid="train-init-name" title={init?.lesson ?? (init ? 'a file you chose' : "The weights the graph generates from its seed")}>
          initial weights: {init ? init.name : 'seeded'}
        </span>
        {init && (
          <button type="button" className="mf-icon-btn" aria-label="Start from the seeded weights" title="Start from the seeded weights" disabled={disabled} onClick={() => editor.getState().setTrainSettings({ init: null })} data-testid="train-init-clear">
            ×
          </button>
        )}
        <label className="mf-button mf-button--quiet" title="A .safetensors file from another graph (modalflow train --out, or Save weights): the weights whose names match this graph's are carried over, the rest stay seeded">
          Carry from file…
          <input type="file" accept=".safetensors" hidden disabled={disabled} onChange={onFile} data-testid="train-init-file" />
        </label>
      </span>
      {report ? (
        <p className="mf-muted mf-train__note" data-testid="train-init-report" data-loaded={report.loaded.length} data-seeded={report.seeded.join(',')}>
          {initReportText(report)}
        </p>
      ) : (
        init && <p className="mf-muted mf-train__note">Weights whose names match this graph&apos;s come from {init.name} when Train starts (as --init); the others keep their seeded values.</p>
      )}
      <label className="mf-field mf-train__field" title="Keep only the first k training examples of each class, as modalflow train --shots; 0 keeps them all">
        <span className="mf-field__label">Examples per class</span>
        <input
          className="mf-field__input"
          inputMode="numeric"
          value={shots}
          disabled={disabled}
          onChange={(e) => {
            setShots(e.target.value);
            const v = Number(e.target.value);
            if (e.target.value.trim() !== '' && Number.isFinite(v)) editor.getState().setTrainSettings({ shots: v });
          }}
          data-testid="train-shots"
        />
      </label>
    </section>
  );
}
