import { useEffect, useMemo, useRef, useState, type PointerEvent, type RefObject } from 'react';
import { useEditor, useEditorApi, useRunner, useUi, useUiApi } from '../app/context.tsx';
import { ProblemList } from '../docs/ProblemList.tsx';
import { ResultsPane } from '../results/ResultsPane.tsx';
import type { ProviderPreference, RunStatus } from '../store/runSlice.ts';
import { graphInputs, type GraphInput } from './graphInputs.ts';
import { defaultValue, fits } from './defaults.ts';
import { InputField, PixelLimitField, SizeFields } from './InputFields.tsx';
import { inputSymbols, resolveSizes } from './inputValues.ts';
import { StageList } from './StageList.tsx';
import { RunTiming } from './RunTiming.tsx';
import { isSoftwareAdapter } from './adapter.ts';
import { GeneratedText } from './GeneratedText.tsx';
import { WeightsControls } from '../train/WeightsControls.tsx';
import { useWidth } from '../ui/useWidth.ts';
import { fittedSide } from './fittedSide.ts';

const BUSY: readonly RunStatus[] = ['compiling', 'loading', 'running'];

const PREFS: { value: ProviderPreference; label: string }[] = [
  { value: 'auto', label: 'WebGPU, else WASM' },
  { value: 'webgpu', label: 'WebGPU only' },
  { value: 'wasm', label: 'WASM only' },
];

function useDefaults(inputs: GraphInput[]) {
  const editor = useEditorApi();
  const values = useEditor((s) => s.run.inputs);
  const pending = useRef(new Set<string>());
  useEffect(() => {
    for (const input of inputs) {
      if (fits(input, values[input.name]) || pending.current.has(input.name)) continue;
      pending.current.add(input.name);
      void defaultValue(input)
        .then((v) => {
          if (!fits(input, editor.getState().run.inputs[input.name])) editor.getState().setRunInput(input.name, v);
        })
        .catch(() => undefined)
        .finally(() => pending.current.delete(input.name));
    }
  }, [inputs, values, editor]);
}

interface ProviderInfo {
  provider: string;
  available: boolean;
  reason?: string;
  adapter?: string;
}

/** What this browser offers, asked once per page: the chips say why a provider is missing, and a CPU-emulated WebGPU says to use WASM. */
function ProviderChips() {
  const editor = useEditorApi();
  const pref = useEditor((s) => s.run.providerPref);
  const runner = useRunner();
  const [list, setList] = useState<ProviderInfo[] | null>(null);
  useEffect(() => {
    let live = true;
    runner
      ?.describeProviders()
      .then((l) => live && setList(l.filter((p) => p.provider === 'webgpu' || p.provider === 'wasm')))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [runner]);
  if (!list) return null;
  const software = list.find((p) => p.provider === 'webgpu' && p.available && isSoftwareAdapter(p.adapter));
  return (
    <span className="mf-run__providers" data-testid="provider-chips">
      {software && pref !== 'wasm' && (
        <span className="mf-run__hint" data-testid="software-webgpu-hint" title={`WebGPU here runs on ${software.adapter}, a software adapter that emulates the GPU on the CPU: onnxruntime's WASM kernels are faster on it.`}>
          Software WebGPU: WASM is faster
          <button type="button" onClick={() => editor.getState().setProviderPref('wasm')} data-testid="software-webgpu-use-wasm">
            Use WASM
          </button>
        </span>
      )}
      {list.map((p) => (
        <span key={p.provider} className={`mf-chip-status${p.available ? ' is-ok' : ' is-off'}`} title={p.available ? (p.adapter ? `${p.provider}: ${p.adapter}` : `${p.provider} is available`) : `${p.provider}: ${p.reason}`} data-testid={`provider-${p.provider}`} data-available={p.available}>
          {p.provider === 'webgpu' ? 'WebGPU' : 'WASM'}
          {p.available ? ' ✓' : ' ✕'}
        </span>
      ))}
    </span>
  );
}

function ResizeHandle() {
  const ui = useUiApi();
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    const start = e.clientY;
    const height = ui.getState().runHeight;
    const el = e.currentTarget;
    el.setPointerCapture(e.pointerId);
    const move = (ev: globalThis.PointerEvent) => ui.getState().set({ runHeight: Math.max(180, Math.min(window.innerHeight - 160, height + start - ev.clientY)) });
    const up = () => {
      el.removeEventListener('pointermove', move);
      el.removeEventListener('pointerup', up);
    };
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerup', up);
  };
  // Double-click gives the results the whole height above the toolbar's reach, or takes it back.
  const onDoubleClick = () => {
    const max = window.innerHeight - 160;
    ui.getState().set({ runHeight: ui.getState().runHeight >= max ? Math.max(380, Math.round(window.innerHeight * 0.46)) : max });
  };
  return (
    <div
      className="mf-run__resize"
      onPointerDown={onPointerDown}
      onDoubleClick={onDoubleClick}
      role="separator"
      aria-orientation="horizontal"
      aria-label="Resize the run panel"
      data-testid="run-resize"
    />
  );
}

const SIDE_MIN = 420;
const RESULTS_MIN = 360;

/** Splits the inputs and stages columns from the results: dragging left gives the results more room. */
function ColumnHandle({ body, left }: { body: RefObject<HTMLDivElement | null>; left: number }) {
  const ui = useUiApi();
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    const start = e.clientX;
    // From where the boundary is drawn, which a narrow panel may have moved left of the chosen width.
    const width = left;
    const total = body.current?.getBoundingClientRect().width ?? window.innerWidth;
    const el = e.currentTarget;
    el.setPointerCapture(e.pointerId);
    const move = (ev: globalThis.PointerEvent) =>
      ui.getState().set({ runSideWidth: Math.round(Math.max(SIDE_MIN, Math.min(total - RESULTS_MIN, width + ev.clientX - start))) });
    const up = () => {
      el.removeEventListener('pointermove', move);
      el.removeEventListener('pointerup', up);
    };
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerup', up);
  };
  return <div className="mf-run__colresize" style={{ left: left - 4 }} onPointerDown={onPointerDown} role="separator" aria-orientation="vertical" aria-label="Resize the results column" data-testid="run-results-resize" />;
}

export function RunPanel() {
  const analysis = useEditor((s) => s.analysis);
  const values = useEditor((s) => s.run.inputs);
  const chosen = useEditor((s) => s.run.sizes);
  const status = useEditor((s) => s.run.status);
  const message = useEditor((s) => s.run.message);
  const problems = useEditor((s) => s.run.problems);
  const pref = useEditor((s) => s.run.providerPref);
  const height = useUi((s) => s.runHeight);
  const side = useUi((s) => s.runSideWidth);
  const body = useRef<HTMLDivElement>(null);
  const fitted = fittedSide(side, useWidth(body));
  const editor = useEditorApi();
  const ui = useUiApi();
  const runner = useRunner();
  const inputs = useMemo(() => graphInputs(analysis), [analysis]);
  const symbols = useMemo(() => inputSymbols(inputs), [inputs]);
  const sizes = useMemo(() => resolveSizes(inputs, values, chosen), [inputs, values, chosen]);
  useDefaults(inputs);
  const busy = BUSY.includes(status);
  // Inputs still waiting for their starting value (a sample picture is fetched and decoded first).
  const unset = inputs.filter((i) => !fits(i, values[i.name])).length;

  return (
    <section className="mf-run" style={{ height }} data-testid="run-panel" data-unset={unset}>
      <ResizeHandle />
      <header className="mf-run__bar">
        <h3>Run in the browser</h3>
        <button type="button" className="mf-run__go" onClick={() => void runner?.run()} disabled={busy || !runner} data-testid="run-start" title="Run the graph (Ctrl+Enter)">
          <span aria-hidden>▶</span> Run
        </button>
        <button type="button" className="mf-run__stop" onClick={() => runner?.cancel()} disabled={!busy} data-testid="run-cancel">
          <span aria-hidden>■</span> Cancel
        </button>
        <label className="mf-run__pref" title="Execution providers to try, in order">
          <span>on</span>
          <select className="mf-field__input" value={pref} onChange={(e) => editor.getState().setProviderPref(e.target.value as ProviderPreference)} disabled={busy} data-testid="run-provider">
            {PREFS.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <ProviderChips />
        <WeightsControls testPrefix="run" save={false} />
        <span className={`mf-run__status is-${status}`} data-testid="run-status" data-status={status}>
          {busy && <span className="mf-spinner" />}
          {message ?? (status === 'idle' ? 'Ready' : status)}
        </span>
        <button type="button" className="mf-icon-btn mf-run__close" aria-label="Close the run panel" onClick={() => ui.getState().set({ runOpen: false })}>
          ×
        </button>
      </header>
      <div className="mf-run__body" ref={body} style={{ gridTemplateColumns: `${Math.round(fitted * 0.51)}px ${fitted - Math.round(fitted * 0.51)}px minmax(0, 1fr)` }}>
        <div className="mf-run__col mf-run__inputs" data-testid="run-inputs">
          <h4>Inputs</h4>
          {inputs.length ? (
            inputs.map((input) => <InputField key={input.name} input={input} value={values[input.name]} sizes={sizes} />)
          ) : (
            <p className="mf-muted">This graph has no input nodes{analysis.ok ? '' : ' it can run with yet: fix the problems listed in the inspector'}.</p>
          )}
          <SizeFields symbols={symbols} sizes={sizes} />
          {inputs.some((i) => i.kind === 'image') && <PixelLimitField />}
          {sizes.problems.length > 0 && <ProblemList problems={sizes.problems} />}
        </div>
        <div className="mf-run__col mf-run__stages" data-testid="run-stages">
          <h4>Stages</h4>
          <RunTiming />
          {problems && problems.length > 0 && (
            <div className="mf-run__problems" data-testid="run-problems">
              <ProblemList problems={[...problems]} />
            </div>
          )}
          <StageList />
          <GeneratedText />
        </div>
        <ColumnHandle body={body} left={fitted} />
        <div className="mf-run__col mf-run__results" data-testid="run-results">
          <ResultsPane />
        </div>
      </div>
    </section>
  );
}
