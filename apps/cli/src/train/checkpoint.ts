import { ModalflowError, type Tensor } from '@modalflow/core';
import { readSafetensors, writeSafetensors } from '@modalflow/onnx';

/** Where a run stands, stored in a checkpoint's metadata so a resumed run continues exactly. */
export interface RunPosition {
  step: number;
  epoch: number;
  /** Index of the next batch within the epoch. */
  batch: number;
  seed: number;
}

const FORMAT = 'modalflow.checkpoint';
const OPTIMIZER_PREFIX = 'optimizer.';

/**
 * A checkpoint is one safetensors file: the weights under their graph names, the optimiser
 * state under `optimizer.<weight>.<buffer>`, and the run's position and settings as metadata.
 */
export function writeCheckpoint(weights: Map<string, Tensor>, state: Map<string, Tensor>, position: RunPosition, extra: Record<string, string>): Uint8Array {
  const all = new Map<string, Tensor>([...weights, ...state]);
  return writeSafetensors(all, {
    format: FORMAT,
    step: String(position.step),
    epoch: String(position.epoch),
    batch: String(position.batch),
    seed: String(position.seed),
    ...extra,
  });
}

export function readCheckpoint(bytes: Uint8Array, file: string): { weights: Map<string, Tensor>; state: Map<string, Tensor>; position: RunPosition; metadata: Record<string, string> } {
  const { tensors, metadata } = readSafetensors(bytes, { file });
  if (metadata['format'] !== FORMAT) {
    throw new ModalflowError('MF_CHECKPOINT_FORMAT', `"${file}" is not a training checkpoint (no "${FORMAT}" metadata); pass plain weights with --weights`, { file });
  }
  const num = (k: string) => {
    const v = Number(metadata[k]);
    if (!Number.isInteger(v) || v < 0) throw new ModalflowError('MF_CHECKPOINT_FORMAT', `checkpoint metadata "${k}" is not a whole number`, { file });
    return v;
  };
  const weights = new Map<string, Tensor>();
  const state = new Map<string, Tensor>();
  for (const [name, t] of tensors) (name.startsWith(OPTIMIZER_PREFIX) ? state : weights).set(name, t);
  return { weights, state, position: { step: num('step'), epoch: num('epoch'), batch: num('batch'), seed: num('seed') }, metadata };
}
