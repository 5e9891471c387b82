import { isModalflowError, type NodeRegistry, type Problem, type Tensor } from '@modalflow/core';
import type { Plan } from '@modalflow/compiler';
import type { EngineEvent } from '@modalflow/engine';
import type { ProgramWorkerClient, WorkerProgram } from '@modalflow/runtime-web';
import type { EditorStore } from '../store/createEditorStore.ts';
import { PROVIDER_ORDER, type RunResult, type StageRow } from '../store/runSlice.ts';
import { CompileClient } from './compileClient.ts';
import { docHash } from './docHash.ts';
import { graphInputs } from './graphInputs.ts';
import { defaultValue, fits } from './defaults.ts';
import { buildInputs, textStrings, type ImageItem } from './inputValues.ts';
import { tapsFor } from './taps.ts';

/**
 * onnxruntime-web loads on the first run, so opening the editor does not pay for it. The whole
 * plan runs in one worker (engine, host steps and sessions), one message per run; the runner
 * owns that worker so Cancel can terminate it mid-run, where closing would wait for the run
 * inside onnxruntime to finish.
 */
async function startRunWorker(): Promise<ProgramWorkerClient> {
  const { connectProgramWorker } = await import('@modalflow/runtime-web');
  return connectProgramWorker(new Worker(new URL('./run.worker.ts', import.meta.url), { type: 'module', name: 'modalflow-runtime' }));
}

interface Loaded {
  key: string;
  program: WorkerProgram;
  plan: Plan;
}

const isAbort = (e: unknown) => (e as Error | null)?.name === 'AbortError';

function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new DOMException('the run was cancelled', 'AbortError'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function problemsOf(e: unknown): Problem[] {
  if (isModalflowError(e)) return e.problems.length ? e.problems : [{ code: e.code, message: e.message, at: e.at }];
  return [{ code: 'MF_RUN_FAILED', message: (e as Error)?.message ?? String(e), at: {} }];
}

/**
 * Runs the open graph in the browser: compiles it in a worker (only when the graph, the taps,
 * the loaded files or the provider choice changed), loads it once into the run worker and keeps
 * it there across runs, so sessions stay warm and the engine's stage cache can skip unchanged
 * stages.
 */
export class Runner {
  readonly #editor: EditorStore;
  readonly #compiler = new CompileClient();
  #client: Promise<ProgramWorkerClient> | null = null;
  #started: ProgramWorkerClient | null = null;
  #loaded: Loaded | null = null;
  #abort: AbortController | null = null;
  #phase: 'idle' | 'compiling' | 'loading' | 'running' = 'idle';
  #onnxInFlight = false;

  // The run worker builds its own node library; the registry stays in the signature for callers.
  constructor(editor: EditorStore, _registry: NodeRegistry) {
    this.#editor = editor;
    // A new document drops the run state; a run still going belongs to the old one.
    editor.subscribe((s, prev) => {
      if (this.#abort && s.run.status === 'idle' && prev.run.status !== 'idle') this.cancel();
    });
  }

  get busy(): boolean {
    return this.#abort !== null;
  }

  /** The loaded program, for the console and tests: its `providers` are the runtime's own report. */
  get program(): WorkerProgram | null {
    return this.#loaded?.program ?? null;
  }

  #ensureRuntime(): Promise<ProgramWorkerClient> {
    if (!this.#client) {
      const client = startRunWorker();
      this.#client = client;
      client.then(
        (c) => {
          if (this.#client === client) this.#started = c;
          else c.terminate();
        },
        () => {
          if (this.#client === client) this.#client = null;
        },
      );
    }
    return this.#client;
  }

  /** Which providers this browser offers (in the worker that runs graphs) and why the others are missing. */
  async describeProviders() {
    return (await this.#ensureRuntime()).describeProviders();
  }

  cancel(): void {
    if (!this.#abort) return;
    this.#abort.abort();
    // onnxruntime cannot stop a run half way: ending its worker is what frees the CPU or GPU.
    if (this.#phase === 'loading' || (this.#phase === 'running' && this.#onnxInFlight)) this.#dropRuntime();
  }

  #dropRuntime(): void {
    this.#started?.terminate();
    this.#started = null;
    this.#client = null;
    this.#loaded = null;
  }

  async run(): Promise<void> {
    if (this.#abort) return;
    const abort = new AbortController();
    this.#abort = abort;
    const { signal } = abort;
    const store = this.#editor;
    try {
      // Inputs nobody has set yet (a run from the keyboard before the panel filled them) start as the panel would start them.
      const first = graphInputs(store.getState().analysis);
      const unset = first.filter((i) => !fits(i, store.getState().run.inputs[i.name]));
      if (unset.length) {
        const values = await Promise.all(unset.map(defaultValue));
        unset.forEach((input, k) => {
          if (!fits(input, store.getState().run.inputs[input.name])) store.getState().setRunInput(input.name, values[k]);
        });
      }
      const s = store.getState();
      const doc = s.doc;
      const inputs = graphInputs(s.analysis);
      if (!inputs.length) throw Object.assign(new Error('the graph has no inputs to run on'), { name: 'NoInputs' });
      // Inputs first: a missing picture should not wait for a compile to be reported.
      const built = buildInputs(inputs, s.run.inputs, s.run.sizes);
      const labels: Record<string, string[]> = {};
      const images: Record<string, ImageItem[]> = {};
      for (const input of inputs) {
        const v = s.run.inputs[input.name];
        if (v?.kind === 'image') {
          images[input.name] = v.images;
          labels[input.name] = v.images.map((i) => i.name);
        } else if (v?.kind === 'text') labels[input.name] = textStrings(input, v.text);
      }
      // The run worker gets copies of the inputs, so after the run these still hold them.
      const fed = built.tensors;

      const taps = tapsFor(s.analysis, s.run.inspected);
      const hash = docHash(doc);
      const assetKey = [...s.assets.values()].map((a) => `${a.name}:${a.sha256 ?? a.bytes.length}`).join(',');
      const providers = PROVIDER_ORDER[s.run.providerPref];
      // Trained or loaded weights compile into the models, so new ones mean compiling again.
      const key = [hash, taps.join(','), assetKey, providers.join('>'), `w${s.weights?.id ?? 0}`].join('|');

      let compileMs: number | null = null;
      let sessionMs: number | null = null;
      if (this.#loaded?.key !== key) {
        const compileStart = performance.now();
        const old = this.#loaded;
        this.#loaded = null;
        if (old) void old.program.release().catch(() => undefined);
        this.#phase = 'compiling';
        // The old stage list belongs to the old plan.
        store.getState().startStages([], hash);
        store.getState().setRunStatus('compiling', 'Compiling the graph…');
        const compiled = await this.#compiler.compile(doc, s.assets, taps, signal, s.weights?.tensors, s.libraries);
        compileMs = performance.now() - compileStart;
        const sessionStart = performance.now();
        this.#phase = 'loading';
        const onnx = compiled.plan.stages.filter((st) => st.kind === 'onnx').length;
        store.getState().setRunStatus('loading', `Loading onnxruntime and creating ${onnx} session${onnx === 1 ? '' : 's'}…`);
        const client = await raceAbort(this.#ensureRuntime(), signal);
        let made = 0;
        const program = await raceAbort(
          client.load(compiled, {
            providers,
            onEvent: (e) => {
              made++;
              if (!signal.aborted) store.getState().setRunStatus('loading', `Created session ${made} of ${onnx} (${e.stage} on ${e.provider})…`);
            },
          }),
          signal,
        );
        sessionMs = performance.now() - sessionStart;
        this.#loaded = { key, program, plan: compiled.plan };
      }

      const { program, plan } = this.#loaded!;
      const sessions = program.providers;
      const rows: StageRow[] = plan.stages.map((st) => ({
        id: st.id,
        kind: st.kind,
        nodes: st.nodes,
        state: 'waiting',
        ...(sessions[st.id] ? { session: sessions[st.id]! } : {}),
      }));
      store.getState().startStages(rows, hash);
      this.#phase = 'running';
      store.getState().setRunStatus('running', 'Running…');
      const kinds = new Map(plan.stages.map((st) => [st.id, st.kind]));
      const onEvent = (e: EngineEvent) => {
        if (e.type === 'stage-start') this.#onnxInFlight = kinds.get(e.stage) === 'onnx';
        else if (e.type === 'stage-end' || e.type === 'stage-cached' || e.type === 'stage-failed') this.#onnxInFlight = false;
        if (!signal.aborted || e.type === 'cancelled') store.getState().runEvent(e);
      };
      const result = await program.run(built.tensors, { signal, onEvent, taps: plan.taps, keepInputs: true });
      if (signal.aborted) throw new DOMException('the run was cancelled', 'AbortError');
      const tensors: Record<string, Tensor> = { ...result.taps };
      for (const o of plan.outputs) tensors[o.tensor] ??= result.outputs[o.name]!;
      for (const i of plan.inputs) if (fed[i.name]) tensors[i.tensor] ??= fed[i.name]!;
      const finished: RunResult = { graphHash: hash, outputs: result.outputs, taps: result.taps, inputs: fed, tensors, labels, images, ms: result.ms, compileMs, sessionMs, cached: 0, ran: 0 };
      for (const r of result.stages) {
        if (r.cached) finished.cached++;
        else finished.ran++;
      }
      store.getState().finishRun(finished);
    } catch (e) {
      if (isAbort(e) || signal.aborted) {
        const where = this.#phase === 'compiling' ? 'while compiling' : this.#phase === 'loading' ? 'while creating sessions' : 'during the run';
        const stopped = this.#client === null && this.#phase !== 'compiling' ? '; onnxruntime’s worker was stopped and starts afresh next run' : '';
        if (store.getState().run.status !== 'idle') store.getState().failRun('cancelled', null, `Cancelled ${where}${stopped}.`);
      } else {
        // A worker that died (out of memory, a crash in onnxruntime) is started afresh next run.
        if (isModalflowError(e) && e.code === 'RUNTIME_WORKER_FAILED') this.#dropRuntime();
        store.getState().failRun('failed', problemsOf(e), (e as Error)?.name === 'NoInputs' ? (e as Error).message : null);
      }
    } finally {
      this.#abort = null;
      this.#phase = 'idle';
      this.#onnxInFlight = false;
    }
  }

  dispose(): void {
    this.cancel();
    this.#compiler.terminate();
    this.#dropRuntime();
  }
}
