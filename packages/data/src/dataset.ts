import { ModalflowError, type Problem, type Tensor } from '@modalflow/core';
import type { BatchOptions, BatchResult } from './batch.ts';
import { collate } from './collate.ts';
import { DataCodes, RowError, dataError, type DataLocation } from './errors.ts';
import { dataRng, shuffled } from './shuffle.ts';
import type { RowSource } from './source.ts';
import type { Example, InputSpec } from './spec.ts';

export interface SplitOptions {
  /** A fraction in [0, 1) of the rows, or a whole count of rows (1 or more), for evaluation. */
  heldOut: number;
  seed?: number;
}

/** A list of rows over one source; splits share the source and keep manifest row numbers. */
export class Dataset {
  /** Row numbers in the source, ascending. */
  readonly rows: readonly number[];

  constructor(
    private readonly source: RowSource,
    rows?: readonly number[],
    private readonly file?: string,
  ) {
    this.rows = rows ?? Array.from({ length: source.size }, (_, i) => i);
  }

  get size(): number {
    return this.rows.length;
  }

  get inputs(): readonly InputSpec[] {
    return this.source.inputs;
  }

  /** Where a row sits in its manifest (file and line), for messages and logs. */
  locate(row: number): DataLocation {
    return this.source.locate(row);
  }

  /**
   * Deterministic hold-out: a seeded permutation of this dataset's rows picks the eval rows;
   * both parts keep manifest order (batches() shuffles). Same seed, same split everywhere.
   */
  split({ heldOut, seed = 0 }: SplitOptions): { train: Dataset; eval: Dataset } {
    const n = this.size;
    let count: number;
    if (Number.isFinite(heldOut) && heldOut >= 0 && heldOut < 1) count = Math.round(heldOut * n);
    else if (Number.isInteger(heldOut) && heldOut >= 1) count = heldOut;
    else throw dataError(DataCodes.option, `heldOut ${heldOut} must be a fraction in [0, 1) or a whole number of rows`, this.at());
    if (count > n) throw dataError(DataCodes.option, `heldOut ${heldOut} asks for ${count} rows, but the dataset has ${n}`, this.at());
    const picked = new Set(shuffled(this.rows, dataRng('split', seed)).slice(0, count));
    return {
      train: new Dataset(this.source, this.rows.filter((r) => !picked.has(r)), this.file),
      eval: new Dataset(this.source, this.rows.filter((r) => picked.has(r)), this.file),
    };
  }

  /** These rows of the source (a subset of this dataset's, e.g. a few examples per class), in the order given. */
  subset(rows: readonly number[]): Dataset {
    const mine = new Set(this.rows);
    const outside = rows.find((r) => !mine.has(r));
    if (outside !== undefined) throw dataError(DataCodes.option, `row ${outside} is not a row of this dataset`, this.at());
    return new Dataset(this.source, rows, this.file);
  }

  /** Number of batches one epoch yields with these options. */
  batchCount({ batchSize, dropLast = false }: Pick<BatchOptions, 'batchSize' | 'dropLast'>): number {
    checkBatchSize(batchSize, this.at());
    return dropLast ? Math.floor(this.size / batchSize) : Math.ceil(this.size / batchSize);
  }

  /**
   * The rows of every batch of one epoch, without loading anything. The order depends only
   * on (seed, epoch), never on earlier epochs, which is what makes resuming exact.
   */
  epochBatches(options: BatchOptions, epoch: number): number[][] {
    const { batchSize, seed = 0, shuffle = true } = options;
    const count = this.batchCount(options);
    const order = shuffle ? shuffled(this.rows, dataRng('shuffle', seed, epoch)) : [...this.rows];
    return Array.from({ length: count }, (_, i) => order.slice(i * batchSize, (i + 1) * batchSize));
  }

  /**
   * Yields batches from (epoch, index) up to `epochs`. A batch with a bad row is yielded as
   * `{ ok: false, error }` instead of throwing, so the caller keeps everything done so far
   * and decides: stop and save, or skip the batch and go on.
   */
  async *batches(options: BatchOptions): AsyncGenerator<BatchResult> {
    const start = options.epoch ?? 0;
    const end = options.epochs ?? start + 1;
    const first = options.index ?? 0;
    if (!Number.isInteger(start) || start < 0) throw dataError(DataCodes.option, `epoch ${start} must be a whole number ≥ 0`, this.at());
    if (!Number.isInteger(first) || first < 0) throw dataError(DataCodes.option, `index ${first} must be a whole number ≥ 0`, this.at());
    if (!(end === Infinity || Number.isInteger(end))) throw dataError(DataCodes.option, `epochs ${end} must be a whole number or Infinity`, this.at());
    const prefetch = options.prefetch ?? 1;
    if (!Number.isInteger(prefetch) || prefetch < 0) throw dataError(DataCodes.option, `prefetch ${prefetch} must be a whole number ≥ 0`, this.at());
    checkBatchSize(options.batchSize, this.at());
    // With no batch per epoch, `epochs: Infinity` would otherwise spin forever yielding nothing.
    if (this.batchCount(options) === 0) return;
    const pending: Promise<BatchResult>[] = [];
    for (const { epoch, index, rows } of this.schedule(options, start, first, end)) {
      const load = this.loadBatch(epoch, index, rows);
      // A batch the caller never reaches (it stopped early) must not surface as an unhandled rejection.
      load.catch(() => {});
      pending.push(load);
      if (pending.length > prefetch) yield await pending.shift()!;
    }
    while (pending.length) yield await pending.shift()!;
  }

  private *schedule(options: BatchOptions, start: number, first: number, end: number): Generator<{ epoch: number; index: number; rows: number[] }> {
    for (let epoch = start; epoch < end; epoch++) {
      const plan = this.epochBatches(options, epoch);
      for (let index = epoch === start ? first : 0; index < plan.length; index++) yield { epoch, index, rows: plan[index]! };
    }
  }

  /** Loads and stacks given rows, e.g. to retry one batch after fixing a file. */
  async loadBatch(epoch: number, index: number, rows: number[]): Promise<BatchResult> {
    const problems: Problem[] = [];
    const loaded = await Promise.all(
      rows.map(async (row) => {
        try {
          return await this.source.load(row);
        } catch (e) {
          if (e instanceof RowError) {
            problems.push(...e.problems);
            return undefined;
          }
          throw e;
        }
      }),
    );
    if (problems.length === 0) {
      const inputs: Record<string, Tensor> = {};
      const where = rows.map((r) => this.source.locate(r));
      for (const input of this.source.inputs) {
        const examples = loaded.map((l) => l![input.name] as Example);
        const stacked = collate(input, examples, where, this.file);
        if ('code' in stacked) problems.push(stacked);
        else inputs[input.name] = stacked;
      }
      if (problems.length === 0) return { ok: true, epoch, index, rows, inputs };
    }
    // Rows load in parallel; order problems by row so the message is the same on every run.
    const order = (p: Problem) => (p.at as DataLocation).rows?.[0] ?? -1;
    const sorted = problems.map((p, i) => ({ p, i })).sort((a, b) => order(a.p) - order(b.p) || a.i - b.i).map((x) => x.p);
    return { ok: false, epoch, index, rows, error: ModalflowError.fromProblems(sorted) };
  }

  /**
   * Loads every row (files included) and returns all problems, without stopping at the first;
   * a pre-flight check before a long run. Loads `concurrency` rows at a time.
   */
  async check({ concurrency = 8 }: { concurrency?: number } = {}): Promise<Problem[]> {
    const problems: Problem[][] = new Array(this.size);
    let next = 0;
    const worker = async () => {
      for (let k = next++; k < this.size; k = next++) {
        try {
          await this.source.load(this.rows[k]!);
          problems[k] = [];
        } catch (e) {
          if (!(e instanceof RowError)) throw e;
          problems[k] = e.problems;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, this.size)) }, worker));
    return problems.flat();
  }

  private at(): DataLocation {
    return this.file === undefined ? {} : { file: this.file };
  }
}

function checkBatchSize(batchSize: number, at: DataLocation): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw dataError(DataCodes.option, `batchSize ${batchSize} must be a whole number ≥ 1`, at);
}
