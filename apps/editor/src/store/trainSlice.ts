import type { Problem, Tensor } from '@modalflow/core';
import type { InitReport, TrainSetupInfo, TrainWorkerEvent } from '../train/protocol.ts';
import { DEFAULT_SETTINGS, type ObjectiveChoice, type TrainSettings, type WorldData } from '../train/settings.ts';
import type { GetState, SetState } from './types.ts';

export type TrainStatus =
  | 'idle'
  | 'preparing'
  | 'compiling'
  | 'training'
  | 'evaluating'
  | 'pausing'
  | 'paused'
  | 'stopping'
  | 'done'
  | 'stopped'
  | 'failed';

/** Statuses in which a run is going on (the worker holds it), paused included. */
export const TRAIN_ACTIVE: readonly TrainStatus[] = ['preparing', 'compiling', 'training', 'evaluating', 'pausing', 'paused', 'stopping'];

/** One value per training step, in step order: what the live charts draw. */
export interface StepCurves {
  step: number[];
  loss: number[];
  lr: number[];
  /** Examples per second of each step. */
  rate: number[];
}

/** One value per held-out evaluation (step 0 is the untrained graph). */
export interface EvalCurves {
  step: number[];
  loss: number[];
  /** null where the objective has no accuracy to report. */
  accuracy: (number | null)[];
  /** Accuracy on pictures of the colour-shape pairs kept out of training. */
  novel: (number | null)[];
}

export interface SimilaritySnapshot {
  step: number;
  n: number;
  /** logits_per_image of the fixed held-out batch, [n, n] row by row. */
  data: Float32Array;
}

export interface TrainRunState {
  settings: TrainSettings;
  status: TrainStatus;
  message: string | null;
  problems: readonly Problem[] | null;
  /** The provider the train step runs on, as the runtime reported it. */
  provider: string | null;
  /** Why the automatic provider choice skipped WebGPU, when it did. */
  providerNote?: string;
  setup: TrainSetupInfo | null;
  step: number;
  total: number;
  curves: StepCurves;
  evals: EvalCurves;
  matrix: SimilaritySnapshot | null;
  /** Hash of the document the run trains. */
  graphHash: string | null;
  seconds: number | null;
  /** Milliseconds it took to build the train step model (differentiation included). */
  compileMs: number | null;
  /** What the run's initial weights carried by name, when the settings name a file. */
  init: InitReport | null;
}

/** Weights the run panel compiles with instead of the graph's seeded ones. */
export interface LoadedWeights {
  /** Changes with every load, so the runner knows to compile again. */
  id: number;
  name: string;
  origin: 'trained' | 'file';
  tensors: ReadonlyMap<string, Tensor>;
  step: number | null;
  /** The graph hash the weights were trained on, when they record it. */
  graphHash: string | null;
}

export interface TrainSlice {
  train: TrainRunState;
  weights: LoadedWeights | null;
  setTrainSettings(patch: Partial<Omit<TrainSettings, 'data' | 'objectives'>>): void;
  setWorld(patch: Partial<Omit<WorldData, 'kind'>>): void;
  setTrainData(data: TrainSettings['data']): void;
  setObjective(node: string, choice: ObjectiveChoice): void;
  /** Replaces every setting (a lesson's preset). */
  applyTrainSettings(settings: TrainSettings): void;
  /** A run begins: the curves start empty. */
  trainStarted(total: number, graphHash: string): void;
  trainEvent(e: TrainWorkerEvent): void;
  /** The user asked to pause or stop; the worker acts after the step in flight. */
  trainRequested(status: 'pausing' | 'stopping' | 'training'): void;
  trainFailed(problems: readonly Problem[], message?: string): void;
  setWeights(weights: Omit<LoadedWeights, 'id'> | null): void;
  /** Forgets the last run (a new document). */
  resetTrain(): void;
}

const emptyCurves = (): StepCurves => ({ step: [], loss: [], lr: [], rate: [] });
const emptyEvals = (): EvalCurves => ({ step: [], loss: [], accuracy: [], novel: [] });

export const INITIAL_TRAIN: TrainRunState = {
  settings: DEFAULT_SETTINGS,
  status: 'idle',
  message: null,
  problems: null,
  provider: null,
  setup: null,
  step: 0,
  total: 0,
  curves: emptyCurves(),
  evals: emptyEvals(),
  matrix: null,
  graphHash: null,
  seconds: null,
  compileMs: null,
  init: null,
};

let nextWeightsId = 1;

/** The run state after one event from the training worker; pure, so it is tested without a worker. */
export function applyTrainEvent(t: TrainRunState, e: TrainWorkerEvent): TrainRunState {
  switch (e.type) {
    case 'phase': {
      // A pause or stop asked for stays shown until the worker acts on it.
      if ((t.status === 'pausing' && e.phase !== 'paused') || t.status === 'stopping') return { ...t, message: e.message };
      return { ...t, status: e.phase, message: e.message };
    }
    case 'setup':
      return { ...t, setup: e.info };
    case 'init':
      return { ...t, init: { file: e.file, loaded: e.loaded, seeded: e.seeded, unused: e.unused } };
    case 'compiled':
      return { ...t, provider: e.kind === 'step' || !t.provider ? e.provider : t.provider, ...(e.kind === 'step' ? { compileMs: e.ms } : {}) };
    case 'step': {
      const c = t.curves;
      return {
        ...t,
        step: e.step,
        curves: {
          step: [...c.step, e.step],
          loss: [...c.loss, e.loss],
          lr: [...c.lr, e.lr],
          rate: [...c.rate, e.ms > 0 ? (e.examples * 1000) / e.ms : NaN],
        },
      };
    }
    case 'eval': {
      const v = t.evals;
      return {
        ...t,
        evals: { step: [...v.step, e.step], loss: [...v.loss, e.loss], accuracy: [...v.accuracy, e.accuracy], novel: [...v.novel, e.novel] },
        ...(e.matrix ? { matrix: { step: e.step, n: e.matrix.n, data: e.matrix.data } } : {}),
      };
    }
    case 'view':
      return { ...t, matrix: { step: e.step, n: e.matrix.n, data: e.matrix.data } };
    case 'end':
      return {
        ...t,
        status: e.reason,
        step: e.step,
        seconds: e.seconds,
        message: e.reason === 'done' ? `Trained ${e.step} steps in ${e.seconds.toFixed(1)} s` : `Stopped at step ${e.step} after ${e.seconds.toFixed(1)} s`,
      };
    case 'failed': {
      const { error } = e;
      const problems: Problem[] = error.problems?.length ? error.problems : [{ code: error.code ?? 'MF_TRAIN_FAILED', message: error.message, at: error.at ?? {} }];
      return { ...t, status: 'failed', problems, message: 'Training failed' };
    }
    default:
      return t;
  }
}

/** The latest value of each curve, for the figures beside the charts. */
export function latest(t: TrainRunState): { loss: number | null; accuracy: number | null; novel: number | null; lr: number | null; rate: number | null } {
  const lastOf = <T>(a: readonly T[]) => (a.length ? a[a.length - 1]! : null);
  const recent = t.curves.rate.slice(-20).filter(Number.isFinite);
  return {
    loss: lastOf(t.curves.loss),
    accuracy: lastOf(t.evals.accuracy),
    novel: lastOf(t.evals.novel),
    lr: lastOf(t.curves.lr),
    rate: recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : null,
  };
}

export function createTrainSlice(set: SetState, get: GetState): TrainSlice {
  const patch = (p: Partial<TrainRunState>) => set((s) => ({ train: { ...s.train, ...p } }));
  const settings = (p: Partial<TrainSettings>) => patch({ settings: { ...get().train.settings, ...p } });
  return {
    train: INITIAL_TRAIN,
    weights: null,

    setTrainSettings(p) {
      settings(p);
    },

    setWorld(p) {
      const data = get().train.settings.data;
      settings({ data: { ...(data.kind === 'world' ? data : { kind: 'world', count: 1024, seed: 1, heldOut: [] }), ...p } });
    },

    setTrainData(data) {
      settings({ data });
    },

    setObjective(node, choice) {
      settings({ objectives: { ...get().train.settings.objectives, [node]: choice } });
    },

    applyTrainSettings(next) {
      patch({ settings: next });
    },

    trainStarted(total, graphHash) {
      const { settings: kept } = get().train;
      set({ train: { ...INITIAL_TRAIN, settings: kept, status: 'preparing', message: 'Starting the training worker…', total, graphHash, curves: emptyCurves(), evals: emptyEvals() } });
    },

    trainEvent(e) {
      const next = applyTrainEvent(get().train, e);
      if (next !== get().train) set({ train: next });
    },

    trainRequested(status) {
      const t = get().train;
      if (!TRAIN_ACTIVE.includes(t.status)) return;
      const message = status === 'pausing' ? 'Pausing after this step…' : status === 'stopping' ? 'Stopping after this step…' : 'Training…';
      patch({ status, message });
    },

    trainFailed(problems, message = 'Training failed') {
      patch({ status: 'failed', problems, message });
    },

    setWeights(w) {
      set({ weights: w ? { ...w, id: nextWeightsId++ } : null });
    },

    resetTrain() {
      // Objective choices name the old graph's nodes; weights were trained for it. Initial weights
      // and few-shot classes were chosen for it too: carried into another graph they could fill
      // whichever weights happen to share names. A lesson sets its own again after opening.
      set({ train: { ...INITIAL_TRAIN, settings: { ...get().train.settings, objectives: {}, init: null, shots: 0 } }, weights: null });
    },
  };
}
