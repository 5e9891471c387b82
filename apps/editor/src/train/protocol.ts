import type { AssetData, GraphDoc, Location, Problem, Tensor } from '@modalflow/core';
import type { TrainConfig } from '@modalflow/compiler';
import type { Provider } from '@modalflow/engine';
import type { TrainData } from './settings.ts';

/** Everything the training worker needs; plain data, copied across by structured clone. */
export interface TrainRequest {
  doc: GraphDoc;
  assets: Record<string, AssetData>;
  /** Texts of the block library files the document pins, by URI. */
  libraries: Record<string, string>;
  config: TrainConfig;
  data: TrainData;
  batchSize: number;
  steps: number;
  evalEvery: number;
  seed: number;
  providers: Provider[];
  /** Weights to start from instead of the seeded ones. */
  weights?: Record<string, Tensor>;
  /** A .safetensors file whose weights are carried into the graph by name (--init). */
  init?: { name: string; bytes: Uint8Array };
  /** Keep the first this many training examples of each class (--shots); absent or 0 keeps all. */
  shots?: number;
  /** Examples in the similarity view. */
  viewSize: number;
}

export type TrainPhase = 'preparing' | 'compiling' | 'training' | 'evaluating' | 'paused';

/** One picture of the similarity view: uint8 RGB, row by row. */
export interface ViewPicture {
  width: number;
  height: number;
  pixels: Uint8Array;
}

export interface TrainSetupInfo {
  /** Trainable weights (tensors) and their total size. */
  tensors: number;
  parameters: number;
  frozen: number;
  objective: string;
  trainExamples: number;
  heldOutExamples: number;
  novelExamples: number;
  batchesPerEpoch: number;
  view: { captions: string[]; pictures: ViewPicture[] } | null;
}

export interface EvalPoint {
  step: number;
  loss: number;
  /** The headline accuracy (image-to-text retrieval, class accuracy) on held-out examples, if the objective has one. */
  accuracy: number | null;
  /** The same on examples showing the colour-shape pairs kept out of training. */
  novel: number | null;
  metrics: Record<string, number>;
  examples: number;
  ms: number;
}

/** What carrying initial weights by name did: the graph's weights taken from the file, those left seeded, and the file's weights no node declares. */
export interface InitReport {
  file: string;
  loaded: string[];
  seeded: string[];
  unused: string[];
}

export type TrainWorkerEvent =
  | { type: 'phase'; phase: TrainPhase; message: string }
  | ({ type: 'init' } & InitReport)
  | { type: 'setup'; info: TrainSetupInfo }
  | { type: 'compiled'; kind: 'step' | 'eval'; ms: number; provider: string }
  | { type: 'step'; step: number; loss: number; lr: number; gradNorm: number; examples: number; ms: number }
  | ({ type: 'eval'; matrix: { n: number; data: Float32Array } | null } & EvalPoint)
  /** The similarity view alone, between held-out evaluations: one small batch, so it can follow the run closely. */
  | { type: 'view'; step: number; matrix: { n: number; data: Float32Array } }
  | { type: 'end'; reason: 'done' | 'stopped'; step: number; seconds: number }
  | { type: 'failed'; error: WireError };

export interface WireError {
  name: string;
  message: string;
  code?: string;
  at?: Location;
  problems?: Problem[];
}

export interface TrainedWeights {
  tensors: Record<string, Tensor>;
  step: number;
  graphHash: string;
}

export interface TrainWorkerApi {
  /**
   * Trains until the step count is reached or stop() is called; events report progress. Resolves
   * with how it ended (events travel on their own channel, so this can arrive before the last of them).
   */
  train(request: TrainRequest, onEvent: (e: TrainWorkerEvent) => void): Promise<'done' | 'stopped' | 'failed'>;
  /** Loads and compiles onnxruntime's wasm in the worker ahead of the first run, so Train does not pay it. */
  warm(): Promise<void>;
  pause(): void;
  resume(): void;
  /** Ends after the step in flight; the weights so far stay available. */
  stop(): void;
  /** The weights of the last run, as they are now. */
  weights(): Promise<TrainedWeights | null>;
}
