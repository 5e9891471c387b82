import { DEFAULT_MAX_IMAGE_PIXELS, type Problem, type Tensor } from '@modalflow/core';
import type { EngineEvent, Provider, StageProvider } from '@modalflow/engine';
import type { ImageItem, InputValue } from '../run/inputValues.ts';
import type { GetState, SetState } from './types.ts';

export type ProviderPreference = 'auto' | 'webgpu' | 'wasm';

/** The runtime's provider order for each choice in the panel. */
export const PROVIDER_ORDER: Record<ProviderPreference, Provider[]> = {
  auto: ['webgpu', 'wasm'],
  webgpu: ['webgpu'],
  wasm: ['wasm'],
};

export type RunStatus = 'idle' | 'compiling' | 'loading' | 'running' | 'done' | 'failed' | 'cancelled';
export type StageState = 'waiting' | 'running' | 'done' | 'cached' | 'failed' | 'cancelled';

export interface StageRow {
  id: string;
  kind: 'onnx' | 'host' | 'generate';
  nodes: string[];
  state: StageState;
  /** performance.now() when the stage started, while it runs. */
  startedAt?: number;
  ms?: number;
  /** What ran it: an execution provider, `host`, or `cache`. */
  provider?: string;
  /** From the session: providers tried before the one that ran, and why each was skipped. */
  session?: StageProvider;
  error?: string;
}

export interface RunResult {
  graphHash: string;
  outputs: Record<string, Tensor>;
  taps: Record<string, Tensor>;
  /** What each input was fed, by input name. */
  inputs: Record<string, Tensor>;
  /** Every tensor the run kept (taps, outputs, inputs), by `node.port`: what an edge carried. */
  tensors: Record<string, Tensor>;
  /** The examples of each image or text input, by name, to label rows and columns. */
  labels: Record<string, string[]>;
  images: Record<string, ImageItem[]>;
  /** The run itself: the stages, from inputs in to outputs out. */
  ms: number;
  /** Compiling the graph and creating its onnxruntime sessions before this run; null when the last run's were reused. */
  compileMs: number | null;
  sessionMs: number | null;
  cached: number;
  ran: number;
}

export interface RunState {
  status: RunStatus;
  /** What is happening now, in words. */
  message: string | null;
  providerPref: ProviderPreference;
  /** Pictures whose header declares more pixels are refused before the browser decodes them. */
  maxImagePixels: number;
  inputs: Readonly<Record<string, InputValue>>;
  /** Sizes chosen in the panel for symbolic dims no input's data fixes. */
  sizes: Readonly<Record<string, number>>;
  stages: readonly StageRow[];
  /** Each node's stage state in the current or last run, for the canvas. */
  nodeStates: ReadonlyMap<string, StageState>;
  /** Graph hash of the document the stages belong to: once the graph changes, they say nothing about it. */
  stagesHash: string | null;
  result: RunResult | null;
  problems: readonly Problem[] | null;
  /** Tensors kept for the edge inspector (`node.port`), besides those the views keep. */
  inspected: readonly string[];
  /** Text each generate node has written so far in this run (its first row), as the tokens arrive. */
  generated?: Readonly<Record<string, GeneratedText>>;
}

export interface GeneratedText {
  text: string;
  /** Tokens chosen so far. */
  tokens: number;
  /** Set once the loop ended: whether the first row ended with a stop token. */
  stopped?: boolean;
  /** Beam search is still running: no text is final before it ends. */
  provisional?: boolean;
  tokensPerSecond?: number;
}

/** The generated texts after one engine event (token events of the first row, and the end of a loop). */
export function applyTokenEvent(texts: Readonly<Record<string, GeneratedText>>, e: EngineEvent): Readonly<Record<string, GeneratedText>> {
  if (e.type === 'token' && e.row === 0) {
    const prev = texts[e.node];
    if (e.final) return { ...texts, [e.node]: { text: `${prev?.text ?? ''}${prev?.text && e.piece ? ' ' : ''}${e.piece}`, tokens: (prev?.tokens ?? 0) + 1 } };
    // Beam search's best beam may still change its earlier words: only the step count is shown.
    return { ...texts, [e.node]: { text: '', tokens: e.step + 1, provisional: true } };
  }
  if (e.type === 'generate-end' && e.rows[0]) {
    const r = e.rows[0];
    return { ...texts, [e.node]: { text: r.text, tokens: r.tokens.length, stopped: r.stopped, tokensPerSecond: e.tokensPerSecond } };
  }
  return texts;
}

export interface RunSlice {
  run: RunState;
  setRunInput(name: string, value: InputValue | undefined): void;
  setRunSize(symbol: string, size: number): void;
  setProviderPref(pref: ProviderPreference): void;
  setMaxImagePixels(pixels: number): void;
  /** Keeps `tap` in later runs; returns false when it was kept already. */
  inspectTensor(tap: string): boolean;
  setRunStatus(status: RunStatus, message?: string | null): void;
  startStages(rows: StageRow[], graphHash: string): void;
  runEvent(e: EngineEvent): void;
  finishRun(result: RunResult): void;
  failRun(status: 'failed' | 'cancelled', problems: readonly Problem[] | null, message?: string | null): void;
  /** Drops results and progress, keeping the inputs and choices (a new document). */
  resetRun(): void;
}

export const INITIAL_RUN: RunState = {
  status: 'idle',
  message: null,
  providerPref: 'auto',
  maxImagePixels: DEFAULT_MAX_IMAGE_PIXELS,
  inputs: {},
  sizes: {},
  stages: [],
  nodeStates: new Map(),
  stagesHash: null,
  result: null,
  problems: null,
  inspected: [],
};

const NO_STATES: ReadonlyMap<string, StageState> = new Map();

export function nodeStatesOf(rows: readonly StageRow[]): ReadonlyMap<string, StageState> {
  if (!rows.length) return NO_STATES;
  const out = new Map<string, StageState>();
  for (const r of rows) for (const n of r.nodes) out.set(n, r.state);
  return out;
}

/** A stage list after one engine event; rows not named by the event are kept as they are. */
export function applyStageEvent(rows: readonly StageRow[], e: EngineEvent, now = performance.now()): readonly StageRow[] {
  const update = (id: string | undefined, f: (r: StageRow) => StageRow) => (id === undefined ? rows : rows.map((r) => (r.id === id ? f(r) : r)));
  switch (e.type) {
    case 'stage-start':
      return update(e.stage, (r) => ({ ...r, state: 'running', startedAt: now }));
    case 'stage-cached':
      return update(e.stage, (r) => ({ ...r, state: 'cached', ms: 0, provider: 'cache' }));
    case 'stage-end':
      return update(e.stage, (r) => ({ ...r, state: 'done', ms: e.ms, provider: e.provider }));
    case 'stage-failed':
      return update(e.stage, (r) => ({ ...r, state: 'failed', error: e.error.message, ...(r.startedAt !== undefined ? { ms: now - r.startedAt } : {}) }));
    case 'cancelled':
      // The engine names the stage that was running or about to start.
      return rows.map((r) => (r.state === 'running' || r.id === e.stage ? { ...r, state: 'cancelled', ...(r.startedAt !== undefined ? { ms: now - r.startedAt } : {}) } : r));
    default:
      return rows;
  }
}

export function createRunSlice(set: SetState, get: GetState): RunSlice {
  const patch = (p: Partial<RunState>) => set((s) => ({ run: { ...s.run, ...p } }));
  return {
    run: INITIAL_RUN,

    setRunInput(name, value) {
      const inputs = { ...get().run.inputs };
      if (value) inputs[name] = value;
      else delete inputs[name];
      patch({ inputs });
    },

    setRunSize(symbol, size) {
      if (!Number.isInteger(size) || size < 1) return;
      patch({ sizes: { ...get().run.sizes, [symbol]: size } });
    },

    setProviderPref(providerPref) {
      patch({ providerPref });
    },

    setMaxImagePixels(maxImagePixels) {
      if (!Number.isSafeInteger(maxImagePixels) || maxImagePixels < 1) return;
      patch({ maxImagePixels });
    },

    inspectTensor(tap) {
      const { inspected } = get().run;
      if (inspected.includes(tap)) return false;
      patch({ inspected: [...inspected, tap] });
      return true;
    },

    setRunStatus(status, message = null) {
      patch({ status, message, ...(status === 'compiling' ? { problems: null } : {}) });
    },

    startStages(rows, stagesHash) {
      patch({ stages: rows, nodeStates: nodeStatesOf(rows), stagesHash, problems: null, generated: {} });
    },

    runEvent(e) {
      const stages = applyStageEvent(get().run.stages, e);
      if (stages !== get().run.stages) patch({ stages, nodeStates: nodeStatesOf(stages) });
      const generated = get().run.generated ?? {};
      const texts = applyTokenEvent(generated, e);
      if (texts !== generated) patch({ generated: texts });
    },

    finishRun(result) {
      const { ran, cached } = result;
      // The time is the run's own; compiling and creating sessions are shown apart from it (RunTiming).
      patch({ status: 'done', result, problems: null, message: `${ran} stage${ran === 1 ? '' : 's'} ran, ${cached} from the cache, in ${Math.round(result.ms)} ms` });
    },

    failRun(status, problems, message = null) {
      const stages = get().run.stages.map((r) => (r.state === 'running' ? { ...r, state: 'cancelled' as const } : r));
      patch({ status, problems, message, stages, nodeStates: nodeStatesOf(stages) });
    },

    resetRun() {
      const { run } = get();
      set({ run: { ...INITIAL_RUN, providerPref: run.providerPref, maxImagePixels: run.maxImagePixels, inputs: run.inputs, sizes: run.sizes } });
    },
  };
}
