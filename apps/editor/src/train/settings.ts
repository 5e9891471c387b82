import type { Analysis, GraphDoc, Problem } from '@modalflow/core';
import type { TrainConfig } from '@modalflow/compiler';
import type { ProviderPreference } from '../store/runSlice.ts';
import type { QuestionKind } from '@modalflow/world';

/** The generated teaching world (`world:shapes?…`): how many pictures, which seed, which pairs never appear in training. */
export interface WorldData {
  kind: 'world';
  count: number;
  seed: number;
  /** Colour-shape pairs kept out of training, as `colour-shape` (purple-circle). */
  heldOut: string[];
  /** Question kinds the VQA world asks (all when absent), e.g. only `colour`. */
  questions?: readonly QuestionKind[];
}

/** A user's manifest (.jsonl or .csv) and the files its rows name, loaded in the page. */
export interface ManifestData {
  kind: 'manifest';
  name: string;
  format: 'jsonl' | 'csv';
  text: string;
  files: Record<string, Uint8Array>;
  /** Share of the rows held out for evaluation. */
  heldOutFraction: number;
}

export type TrainData = WorldData | ManifestData;

/** Weights carried by name into the graph before training, as `modalflow train --init` does. */
export interface InitWeights {
  /** The file's name, as the panel and the command line show it. */
  name: string;
  /** A file that ships with a lesson (`examples/<folder>/<file>.safetensors`), fetched when Train starts. */
  lesson?: string;
  /** A file the user chose; not stored across reloads (it is chosen again, as a manifest's files are). */
  bytes?: Uint8Array;
}

/** A loss node's part in the objective, as the user set it; nodes without an entry take the default. */
export interface ObjectiveChoice {
  on: boolean;
  weight: number;
}

export interface TrainSettings {
  data: TrainData;
  objectives: Readonly<Record<string, ObjectiveChoice>>;
  optimizer: 'adamw' | 'sgd';
  lr: number;
  weightDecay: number;
  /** SGD only. */
  momentum: number;
  warmup: number;
  schedule: 'none' | 'cosine';
  /** Global gradient norm to clip to; 0 turns clipping off. */
  clipNorm: number;
  batchSize: number;
  steps: number;
  /** Held-out evaluation (curves and the similarity view) every this many steps. */
  evalEvery: number;
  /** Seeds the batch order, as the command line's --seed. */
  seed: number;
  provider: ProviderPreference;
  /** Start from the loaded weights rather than the graph's seeded ones. */
  fromLoaded: boolean;
  /** Weights carried by name from another graph's file before the first step (null: seeded). */
  init: InitWeights | null;
  /** Keep only the first k training examples of each class, as --shots; 0 keeps them all. */
  shots: number;
}

export const DEFAULT_WORLD: WorldData = { kind: 'world', count: 1024, seed: 1, heldOut: [] };

export const DEFAULT_SETTINGS: TrainSettings = {
  data: DEFAULT_WORLD,
  objectives: {},
  optimizer: 'adamw',
  lr: 1e-3,
  weightDecay: 0.01,
  momentum: 0.9,
  warmup: 0,
  schedule: 'none',
  clipNorm: 1,
  batchSize: 32,
  steps: 200,
  evalEvery: 20,
  seed: 0,
  provider: 'auto',
  fromLoaded: false,
  init: null,
  shots: 0,
};

export interface ObjectiveRow {
  node: string;
  title: string;
  on: boolean;
  weight: number;
  /** The document marks this node as an objective. */
  marked: boolean;
}

/**
 * Every loss node of the graph with its part in the objective. Without a choice from the user a
 * node is on when the document marks it (`objective`), or when the document marks none, as
 * prepareTraining picks them, so the panel shows what Train would do.
 */
export function objectiveRows(doc: GraphDoc, analysis: Analysis, choices: Readonly<Record<string, ObjectiveChoice>>): ObjectiveRow[] {
  const losses = analysis.order.filter((id) => analysis.nodes.get(id)?.def.category === 'losses');
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const anyMarked = losses.some((id) => byId.get(id)?.objective !== undefined);
  return losses.map((id) => {
    const node = byId.get(id);
    const marked = node?.objective !== undefined;
    const choice = choices[id];
    return {
      node: id,
      title: node?.label || analysis.nodes.get(id)!.def.title,
      on: choice?.on ?? (anyMarked ? marked : true),
      weight: choice?.weight ?? node?.objective ?? 1,
      marked,
    };
  });
}

/** The objective weights to train on: only the nodes ticked, by id. */
export function objectiveWeights(rows: readonly ObjectiveRow[]): Record<string, number> {
  return Object.fromEntries(rows.filter((r) => r.on).map((r) => [r.node, r.weight]));
}

/** The compiler's TrainConfig for these settings, as `modalflow train` builds it from its flags. */
export function trainConfigOf(s: TrainSettings, rows: readonly ObjectiveRow[]): TrainConfig {
  const optimizer: TrainConfig['optimizer'] =
    s.optimizer === 'sgd' ? { kind: 'sgd', lr: s.lr, momentum: s.momentum, weightDecay: s.weightDecay } : { kind: 'adamw', lr: s.lr, weightDecay: s.weightDecay };
  return {
    optimizer,
    schedule: { warmupSteps: s.warmup, decay: s.schedule, totalSteps: s.steps },
    ...(s.clipNorm > 0 ? { clipNorm: s.clipNorm } : {}),
    objectives: objectiveWeights(rows),
  };
}

/** The learning rate the schedule gives at a 1-based step (linear warm-up, then cosine to zero), for the chart before a run reports it. */
export function scheduledLr(s: Pick<TrainSettings, 'lr' | 'warmup' | 'schedule' | 'steps'>, step: number): number {
  if (s.warmup > 0 && step <= s.warmup) return (s.lr * step) / s.warmup;
  if (s.schedule !== 'cosine') return s.lr;
  const span = Math.max(1, s.steps - s.warmup);
  const t = Math.min(1, Math.max(0, (step - s.warmup) / span));
  return s.lr * 0.5 * (1 + Math.cos(Math.PI * t));
}

const whole = (v: number, min: number) => Number.isInteger(v) && v >= min;

/** What stops Train from starting, each naming the setting. */
export function settingsProblems(s: TrainSettings, rows: readonly ObjectiveRow[]): Problem[] {
  const out: Problem[] = [];
  const bad = (setting: string, message: string) => out.push({ code: 'MF_TRAIN_SETTING', message, at: { path: `/train/${setting}` } });
  if (!rows.length) bad('objectives', 'the graph has no loss node to train on; add one from Losses in the palette and connect it');
  else if (!rows.some((r) => r.on)) bad('objectives', 'tick at least one loss node as the objective');
  for (const r of rows) if (r.on && !(r.weight >= 0 && Number.isFinite(r.weight))) bad('objectives', `the weight of "${r.node}" must be a number ≥ 0`);
  if (!(s.lr > 0 && Number.isFinite(s.lr))) bad('lr', 'the learning rate must be a number > 0');
  if (!(s.weightDecay >= 0)) bad('weightDecay', 'weight decay must be ≥ 0');
  if (s.optimizer === 'sgd' && !(s.momentum >= 0 && s.momentum < 1)) bad('momentum', 'momentum must be in [0, 1)');
  if (!whole(s.warmup, 0)) bad('warmup', 'warm-up must be a whole number of steps ≥ 0');
  else if (s.schedule === 'cosine' && s.warmup >= s.steps) bad('warmup', `a cosine schedule needs more steps (${s.steps}) than warm-up steps (${s.warmup})`);
  if (!(s.clipNorm >= 0)) bad('clipNorm', 'the clip norm must be ≥ 0 (0: no clipping)');
  if (!whole(s.batchSize, 2)) bad('batchSize', 'the batch size must be a whole number ≥ 2');
  if (!whole(s.steps, 1)) bad('steps', 'steps must be a whole number ≥ 1');
  if (!whole(s.evalEvery, 1)) bad('evalEvery', 'evaluate every must be a whole number of steps ≥ 1');
  if (!whole(s.seed, 0)) bad('seed', 'the seed must be a whole number ≥ 0');
  if (!whole(s.shots, 0)) bad('shots', 'examples per class must be a whole number ≥ 0 (0: all)');
  if (s.init && s.fromLoaded) bad('init', `start from the loaded weights or from ${s.init.name} carried by name, not both; untick one`);
  if (s.data.kind === 'world') {
    if (!whole(s.data.count, 1)) bad('data/count', 'the number of pictures must be a whole number ≥ 1');
    if (!whole(s.data.seed, 0)) bad('data/seed', 'the world seed must be a whole number ≥ 0');
  } else if (!(s.data.heldOutFraction > 0 && s.data.heldOutFraction < 1)) bad('data/heldOutFraction', 'the held-out share must be between 0 and 1');
  return out;
}

/** The command line that trains the same way, for the panel to show and for users to copy. */
export function commandLine(file: string, s: TrainSettings, rows: readonly ObjectiveRow[]): string {
  const data = s.data.kind === 'world' ? `'${worldSpec(s.data)}'` : s.data.name;
  const parts = [`modalflow train ${file}`, `--data ${data}`, `--steps ${s.steps}`, `--batch-size ${s.batchSize}`, `--optimizer ${s.optimizer}`, `--lr ${s.lr}`];
  if (s.weightDecay !== (s.optimizer === 'adamw' ? 0.01 : 0)) parts.push(`--weight-decay ${s.weightDecay}`);
  if (s.optimizer === 'sgd' && s.momentum !== 0.9) parts.push(`--momentum ${s.momentum}`);
  if (s.warmup) parts.push(`--warmup ${s.warmup}`);
  if (s.schedule !== 'none') parts.push(`--schedule ${s.schedule}`);
  if (s.clipNorm > 0) parts.push(`--clip-norm ${s.clipNorm}`);
  if (s.seed) parts.push(`--seed ${s.seed}`);
  if (s.data.kind === 'manifest') parts.push(`--held-out ${s.data.heldOutFraction}`);
  if (s.init) parts.push(`--init ${s.init.lesson ?? s.init.name}`);
  if (s.shots) parts.push(`--shots ${s.shots}`);
  const defaults = rows.every((r) => r.on === (rows.some((x) => x.marked) ? r.marked : true) && r.weight === 1);
  if (!defaults) for (const r of rows.filter((x) => x.on)) parts.push(`--objective ${r.node}=${r.weight}`);
  return parts.join(' ');
}

export function worldSpec(d: WorldData): string {
  const q = [`count=${d.count}`, `seed=${d.seed}`];
  if (d.heldOut.length) q.push(`heldout=${d.heldOut.join(',')}`);
  if (d.questions?.length) q.push(`task=vqa&questions=${d.questions.join(',')}`);
  return `world:shapes?${q.join('&')}`;
}
