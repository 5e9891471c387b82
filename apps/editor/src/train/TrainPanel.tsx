import { useEffect, useMemo, useState, type ChangeEvent, type ReactNode } from 'react';
import { COLOURS, SHAPES } from '@modalflow/world';
import { useEditor, useEditorApi, useTrainer, useUi, useUiApi } from '../app/context.tsx';
import { ProblemList } from '../docs/ProblemList.tsx';
import { fileNameFor } from '../documents/files.ts';
import type { ProviderPreference } from '../store/runSlice.ts';
import { TRAIN_ACTIVE, type TrainStatus } from '../store/trainSlice.ts';
import { LiveCurves } from './LiveCurves.tsx';
import { commandLine, objectiveRows, type TrainSettings } from './settings.ts';
import { SimilarityView } from './SimilarityView.tsx';
import { hasSquareOutput } from './squareOutput.ts';
import { WeightsControls } from './WeightsControls.tsx';
import { InitSettings } from './InitSettings.tsx';
import { useWarmTrainer } from './useWarmTrainer.ts';

const PREFS: { value: ProviderPreference; label: string }[] = [
  { value: 'auto', label: 'WebGPU, else WASM' },
  { value: 'webgpu', label: 'WebGPU only' },
  { value: 'wasm', label: 'WASM only' },
];

const RUNNING: readonly TrainStatus[] = ['preparing', 'compiling', 'training', 'evaluating'];

/** A number typed as text: kept as typed while it does not parse, committed when it does. */
function NumberField({ label, value, onChange, testId, disabled, hint }: { label: string; value: number; onChange: (v: number) => void; testId: string; disabled?: boolean; hint?: string }) {
  const [text, setText] = useState(String(value));
  useEffect(() => setText((t) => (Number(t) === value ? t : String(value))), [value]);
  return (
    <label className="mf-field mf-train__field" title={hint}>
      <span className="mf-field__label">{label}</span>
      <input
        className="mf-field__input"
        inputMode="decimal"
        value={text}
        disabled={disabled}
        onChange={(e) => {
          setText(e.target.value);
          const v = Number(e.target.value);
          if (e.target.value.trim() !== '' && Number.isFinite(v)) onChange(v);
        }}
        data-testid={testId}
      />
    </label>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="mf-train__section">
      <h5>{title}</h5>
      {children}
    </section>
  );
}

function DataSettings({ settings, disabled }: { settings: TrainSettings; disabled: boolean }) {
  const editor = useEditorApi();
  const ui = useUiApi();
  const data = settings.data;
  const [pairs, setPairs] = useState(data.kind === 'world' ? data.heldOut.join(', ') : '');
  useEffect(() => {
    if (data.kind === 'world') setPairs((p) => (p.split(',').map((x) => x.trim()).filter(Boolean).join(',') === data.heldOut.join(',') ? p : data.heldOut.join(', ')));
  }, [data]);
  const pairProblem = useMemo(() => {
    for (const item of pairs.split(',').map((x) => x.trim()).filter(Boolean)) {
      const [c, s, extra] = item.split('-');
      if (extra !== undefined || !(COLOURS as readonly string[]).includes(c ?? '') || !(SHAPES as readonly string[]).includes(s ?? '')) return `“${item}” is not a colour-shape pair such as purple-circle`;
    }
    return null;
  }, [pairs]);

  const onManifest = async (e: ChangeEvent<HTMLInputElement>) => {
    const list = [...(e.target.files ?? [])];
    e.target.value = '';
    const manifest = list.find((f) => /\.(jsonl|csv)$/i.test(f.name));
    if (!manifest) {
      ui.getState().notify({ kind: 'error', title: 'No manifest', detail: 'Choose a .jsonl or .csv manifest together with the files its rows name.' });
      return;
    }
    const files: Record<string, Uint8Array> = {};
    for (const f of list) if (f !== manifest) files[f.webkitRelativePath ? f.webkitRelativePath.split('/').slice(1).join('/') : f.name] = new Uint8Array(await f.arrayBuffer());
    editor.getState().setTrainData({ kind: 'manifest', name: manifest.name, format: /\.csv$/i.test(manifest.name) ? 'csv' : 'jsonl', text: await manifest.text(), files, heldOutFraction: 0.1 });
  };

  return (
    <Section title="Data">
      <div className="mf-segmented" role="group" aria-label="Data source">
        <button type="button" className={data.kind === 'world' ? 'is-on' : ''} disabled={disabled} onClick={() => editor.getState().setWorld({})} data-testid="train-data-world">
          Teaching world
        </button>
        <label className={`mf-segmented__file${data.kind === 'manifest' ? ' is-on' : ''}`} title="A .jsonl or .csv manifest whose columns name the graph's inputs, with the pictures or .npy files it names">
          Manifest…
          <input type="file" multiple accept=".jsonl,.csv,.png,.jpg,.jpeg,.npy" hidden disabled={disabled} onChange={(e) => void onManifest(e)} data-testid="train-data-manifest" />
        </label>
      </div>
      {data.kind === 'world' ? (
        <>
          <p className="mf-muted mf-train__note">Generated pictures of coloured shapes with their captions; 10% are held out for evaluation.</p>
          <NumberField label="Pictures" value={data.count} onChange={(count) => editor.getState().setWorld({ count })} testId="train-world-count" disabled={disabled} />
          <NumberField label="World seed" value={data.seed} onChange={(seed) => editor.getState().setWorld({ seed })} testId="train-world-seed" disabled={disabled} />
          <label className="mf-field mf-train__field" title="Colour-shape pairs never shown in training, e.g. purple-circle, red-star: accuracy on them shows whether the model composes colour and shape">
            <span className="mf-field__label">Held-out pairs</span>
            <input
              className="mf-field__input"
              value={pairs}
              placeholder="purple-circle, red-star"
              disabled={disabled}
              onChange={(e) => {
                setPairs(e.target.value);
                const list = e.target.value.split(',').map((x) => x.trim()).filter(Boolean);
                if (list.every((item) => /^[a-z]+-[a-z]+$/.test(item))) editor.getState().setWorld({ heldOut: list });
              }}
              data-testid="train-world-heldout"
            />
          </label>
          {pairProblem && <p className="mf-field__error" role="alert">{pairProblem}</p>}
        </>
      ) : (
        <>
          <p className="mf-muted mf-train__note" data-testid="train-manifest-name">
            {data.name}: {Object.keys(data.files).length} file{Object.keys(data.files).length === 1 ? '' : 's'}
          </p>
          <NumberField label="Held-out share" value={data.heldOutFraction} onChange={(heldOutFraction) => editor.getState().setTrainData({ ...data, heldOutFraction })} testId="train-manifest-heldout" disabled={disabled} />
        </>
      )}
    </Section>
  );
}

function ObjectiveSettings({ settings, disabled }: { settings: TrainSettings; disabled: boolean }) {
  const doc = useEditor((s) => s.doc);
  const analysis = useEditor((s) => s.analysis);
  const editor = useEditorApi();
  const rows = useMemo(() => objectiveRows(doc, analysis, settings.objectives), [doc, analysis, settings.objectives]);
  return (
    <Section title="Objective">
      {rows.length === 0 && <p className="mf-muted">No loss node in the graph: add one from Losses in the palette.</p>}
      {rows.map((r) => (
        <div key={r.node} className="mf-train__objective">
          <label className="mf-check" title={r.marked ? 'Marked as an objective in the document' : undefined}>
            <input type="checkbox" checked={r.on} disabled={disabled} onChange={(e) => editor.getState().setObjective(r.node, { on: e.target.checked, weight: r.weight })} data-testid={`train-objective-${r.node}`} />
            {r.title} <code>{r.node}</code>
          </label>
          <NumberField label="×" value={r.weight} onChange={(weight) => editor.getState().setObjective(r.node, { on: r.on, weight })} testId={`train-objective-weight-${r.node}`} disabled={disabled || !r.on} />
        </div>
      ))}
    </Section>
  );
}

function OptimiserSettings({ settings, disabled }: { settings: TrainSettings; disabled: boolean }) {
  const editor = useEditorApi();
  const set = (p: Partial<TrainSettings>) => editor.getState().setTrainSettings(p);
  return (
    <Section title="Optimiser">
      <label className="mf-field mf-train__field">
        <span className="mf-field__label">Optimiser</span>
        <select className="mf-field__input" value={settings.optimizer} disabled={disabled} onChange={(e) => set({ optimizer: e.target.value as 'adamw' | 'sgd', weightDecay: e.target.value === 'sgd' ? 0 : 0.01 })} data-testid="train-optimizer">
          <option value="adamw">AdamW</option>
          <option value="sgd">SGD with momentum</option>
        </select>
      </label>
      <NumberField label="Learning rate" value={settings.lr} onChange={(lr) => set({ lr })} testId="train-lr" disabled={disabled} />
      <NumberField label="Weight decay" value={settings.weightDecay} onChange={(weightDecay) => set({ weightDecay })} testId="train-weight-decay" disabled={disabled} />
      {settings.optimizer === 'sgd' && <NumberField label="Momentum" value={settings.momentum} onChange={(momentum) => set({ momentum })} testId="train-momentum" disabled={disabled} />}
      <NumberField label="Warm-up steps" value={settings.warmup} onChange={(warmup) => set({ warmup })} testId="train-warmup" disabled={disabled} hint="The learning rate rises linearly from 0 over these steps" />
      <label className="mf-field mf-train__field" title="Cosine: after warm-up the learning rate falls along a half cosine to 0 at the last step">
        <span className="mf-field__label">Schedule</span>
        <select className="mf-field__input" value={settings.schedule} disabled={disabled} onChange={(e) => set({ schedule: e.target.value as 'none' | 'cosine' })} data-testid="train-schedule">
          <option value="none">constant</option>
          <option value="cosine">cosine</option>
        </select>
      </label>
      <NumberField label="Clip norm" value={settings.clipNorm} onChange={(clipNorm) => set({ clipNorm })} testId="train-clip-norm" disabled={disabled} hint="Scale gradients down to this global L2 norm; 0 for none" />
      <NumberField label="Batch size" value={settings.batchSize} onChange={(batchSize) => set({ batchSize })} testId="train-batch-size" disabled={disabled} />
      <NumberField label="Steps" value={settings.steps} onChange={(steps) => set({ steps })} testId="train-steps" disabled={disabled} />
      <NumberField label="Evaluate every" value={settings.evalEvery} onChange={(evalEvery) => set({ evalEvery })} testId="train-eval-every" disabled={disabled} hint="Steps between held-out evaluations (curves and the similarity view)" />
      <NumberField label="Shuffle seed" value={settings.seed} onChange={(seed) => set({ seed })} testId="train-seed" disabled={disabled} />
      <label className="mf-check" title="Continue from the weights shown below instead of the graph's seeded ones">
        <input type="checkbox" checked={settings.fromLoaded} disabled={disabled} onChange={(e) => set({ fromLoaded: e.target.checked })} data-testid="train-from-loaded" /> start from the loaded weights
      </label>
    </Section>
  );
}

function LiveView() {
  const matrix = useEditor((s) => s.train.matrix);
  const view = useEditor((s) => s.train.setup?.view ?? null);
  const setup = useEditor((s) => s.train.setup);
  // Walked again only when the analysis changes, not on every store update while training.
  const analysis = useEditor((s) => s.analysis);
  const square = useMemo(() => hasSquareOutput(analysis), [analysis]);
  const trainer = useTrainer();
  const ui = useUiApi();
  return (
    <>
      <h4>What the model sees</h4>
      {matrix && view ? (
        <>
          <SimilarityView snapshot={matrix} pictures={view.pictures} captions={view.captions} />
          <button
            type="button"
            className="mf-button mf-button--quiet"
            onClick={() => {
              if (trainer?.viewToRun()) ui.getState().set({ runOpen: true, trainOpen: false });
            }}
            data-testid="train-to-run"
            title="Put these pictures and captions into the run panel's inputs and open it"
          >
            Try these in Run
          </button>
        </>
      ) : (
        <p className="mf-muted">
          {!square
            ? 'This graph has no square image–text similarity output to draw; the curves show its progress.'
            : setup
              ? 'The held-out pictures and captions are not yet scored.'
              : 'Press Train: every few steps the held-out pictures are scored against their captions here, and the diagonal lights up as the model learns which caption belongs to which picture.'}
        </p>
      )}
      {setup && (
        <p className="mf-muted mf-train__note" data-testid="train-setup">
          {setup.parameters.toLocaleString('en')} parameters in {setup.tensors} tensors{setup.frozen ? ` (${setup.frozen} frozen)` : ''} · objective {setup.objective} · {setup.trainExamples} training examples, {setup.batchesPerEpoch} batches per epoch · evaluated on {setup.heldOutExamples} held-out
          {setup.novelExamples ? ` and ${setup.novelExamples} novel-pair` : ''} examples
        </p>
      )}
    </>
  );
}

export function TrainPanel() {
  const settings = useEditor((s) => s.train.settings);
  const status = useEditor((s) => s.train.status);
  const message = useEditor((s) => s.train.message);
  const problems = useEditor((s) => s.train.problems);
  const provider = useEditor((s) => s.train.provider);
  const providerNote = useEditor((s) => s.train.providerNote);
  const compileMs = useEditor((s) => s.train.compileMs);
  const doc = useEditor((s) => s.doc);
  const analysis = useEditor((s) => s.analysis);
  const fileName = useEditor((s) => s.fileName ?? s.source);
  const height = useUi((s) => s.runHeight);
  const editor = useEditorApi();
  const ui = useUiApi();
  const trainer = useTrainer();
  useWarmTrainer(trainer);
  const active = TRAIN_ACTIVE.includes(status);
  const running = RUNNING.includes(status);
  const paused = status === 'paused' || status === 'pausing';
  const cli = useMemo(() => commandLine(fileNameFor(doc, fileName), settings, objectiveRows(doc, analysis, settings.objectives)), [doc, fileName, settings, analysis]);

  return (
    <section className="mf-run mf-train" style={{ height: Math.max(height, 460) }} data-testid="train-panel">
      <header className="mf-run__bar">
        <h3>Train in the browser</h3>
        <button type="button" className="mf-run__go" onClick={() => void trainer?.start()} disabled={active || !trainer} data-testid="train-start" title="Train with these settings from the start">
          <span aria-hidden>▶</span> Train
        </button>
        {paused ? (
          <button type="button" className="mf-run__stop" onClick={() => trainer?.resume()} data-testid="train-resume">
            Resume
          </button>
        ) : (
          <button type="button" className="mf-run__stop" onClick={() => trainer?.pause()} disabled={!running} data-testid="train-pause">
            Pause
          </button>
        )}
        <button type="button" className="mf-run__stop" onClick={() => trainer?.stop()} disabled={!active || status === 'stopping'} data-testid="train-stop" title="End the run after this step; the weights so far are kept">
          <span aria-hidden>■</span> Stop
        </button>
        <label className="mf-run__pref" title="Execution providers to try, in order">
          <span>on</span>
          <select className="mf-field__input" value={settings.provider} onChange={(e) => editor.getState().setTrainSettings({ provider: e.target.value as ProviderPreference })} disabled={active} data-testid="train-provider">
            {PREFS.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <span className={`mf-run__status is-${status}`} data-testid="train-status" data-status={status} data-provider={provider ?? ''}>
          <span className="mf-train__status-line">
            {/* No spinner while the steps run or the held-out evaluation between them: the step count moves instead, and an animation there repainted the page on every frame. */}
            {running && status !== 'training' && status !== 'evaluating' && <span className="mf-spinner" />}
            {message ?? (status === 'idle' ? 'Ready' : status)}
            {provider && (
              <span className="mf-muted" title={providerNote} data-testid="train-provider-used">
                {' '}
                · {provider}
                {providerNote ? ' (WebGPU adapter runs on the CPU)' : ''}
                {compileMs !== null ? ` · step built in ${(compileMs / 1000).toFixed(1)} s` : ''}
              </span>
            )}
          </span>
        </span>
        <button type="button" className="mf-icon-btn mf-run__close" aria-label="Close the train panel" onClick={() => ui.getState().set({ trainOpen: false })}>
          ×
        </button>
      </header>
      <div className="mf-run__body mf-train__body">
        <div className="mf-run__col mf-train__settings" data-testid="train-settings">
          <DataSettings settings={settings} disabled={active} />
          <InitSettings settings={settings} disabled={active} />
          <ObjectiveSettings settings={settings} disabled={active} />
          <OptimiserSettings settings={settings} disabled={active} />
          <Section title="Command line">
            <code className="mf-train__cli" data-testid="train-cli">{cli}</code>
          </Section>
        </div>
        <div className="mf-run__col mf-train__charts">
          <h4>Progress</h4>
          {problems && problems.length > 0 && (
            <div className="mf-run__problems" data-testid="train-problems">
              <ProblemList problems={[...problems]} />
            </div>
          )}
          <LiveCurves />
        </div>
        <div className="mf-run__col mf-train__live">
          <LiveView />
          <div className="mf-train__weights">
            <WeightsControls testPrefix="train" />
          </div>
        </div>
      </div>
    </section>
  );
}
