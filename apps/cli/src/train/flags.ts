import type { OptimizerConfig, TrainConfig } from '@modalflow/compiler';
import { UsageError } from '@modalflow/node-io';

export interface TrainFlags {
  optimizer: string;
  lr: string;
  momentum?: string;
  weightDecay?: string;
  warmup?: string;
  schedule?: string;
  clipNorm?: string;
  freeze?: string[];
  unfreeze?: string[];
  objective?: string[];
}

function number(value: string | undefined, flag: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new UsageError(`${flag} must be a number >= ${min}, got "${value}"`);
  return n;
}

/** Turns the optimiser flags into a TrainConfig; `steps` is the run length cosine decay ends at (set later for --epochs). */
export function trainConfigFrom(flags: TrainFlags, steps: number | undefined): TrainConfig {
  const lr = number(flags.lr, '--lr')!;
  const wd = number(flags.weightDecay, '--weight-decay');
  let optimizer: OptimizerConfig;
  if (flags.optimizer === 'sgd') optimizer = { kind: 'sgd', lr, momentum: number(flags.momentum, '--momentum') ?? 0.9, weightDecay: wd ?? 0 };
  else if (flags.optimizer === 'adamw') optimizer = { kind: 'adamw', lr, ...(wd !== undefined ? { weightDecay: wd } : {}) };
  else throw new UsageError(`--optimizer must be sgd or adamw, got "${flags.optimizer}"`);
  const objectives: Record<string, number> = {};
  for (const o of flags.objective ?? []) {
    const [node, w] = o.split('=');
    const weight = w === undefined ? 1 : Number(w);
    if (!node || !Number.isFinite(weight) || weight < 0) throw new UsageError(`--objective "${o}" must look like node or node=weight`);
    objectives[node] = weight;
  }
  const warmup = number(flags.warmup, '--warmup');
  const decay = flags.schedule ?? 'none';
  if (decay !== 'none' && decay !== 'cosine') throw new UsageError(`--schedule must be none or cosine, got "${decay}"`);
  const clip = number(flags.clipNorm, '--clip-norm');
  return {
    optimizer,
    schedule: { warmupSteps: warmup ?? 0, decay, ...(steps ? { totalSteps: steps } : {}) },
    ...(clip !== undefined ? { clipNorm: clip } : {}),
    ...(Object.keys(objectives).length ? { objectives } : {}),
    ...(flags.freeze?.length ? { freeze: flags.freeze } : {}),
    ...(flags.unfreeze?.length ? { unfreeze: flags.unfreeze } : {}),
  };
}
