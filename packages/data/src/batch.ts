import type { ModalflowError, Tensor } from '@modalflow/core';

export interface BatchOptions {
  batchSize: number;
  /** Seeds the order; the same seed gives the same batches on every machine. Default 0. */
  seed?: number;
  /** Default true. Without it batches follow the dataset's order in every epoch. */
  shuffle?: boolean;
  /** Leave out a last batch smaller than batchSize. Default false. */
  dropLast?: boolean;
  /** Epoch to start at (0-based). Default 0. */
  epoch?: number;
  /** Batch index inside the starting epoch to start at; with `epoch`, resumes a run exactly. Default 0. */
  index?: number;
  /** Epoch to stop before; default epoch + 1 (one epoch). Use Infinity to run until the caller stops. */
  epochs?: number;
  /**
   * Batches loaded ahead while the caller works on the current one (file reads and decoding
   * overlap the training step). Default 1; 0 loads each batch only when asked for.
   */
  prefetch?: number;
}

interface BatchBase {
  epoch: number;
  /** Position of the batch inside its epoch. */
  index: number;
  /** Dataset row numbers (manifest order, 0-based) of the batch's examples, in batch order. */
  rows: number[];
}

export interface Batch extends BatchBase {
  ok: true;
  inputs: Record<string, Tensor>;
}

/** A batch that could not be built; `error.problems` names every bad row, file and column. */
export interface BatchFailure extends BatchBase {
  ok: false;
  error: ModalflowError;
}

export type BatchResult = Batch | BatchFailure;
