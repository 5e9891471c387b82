import type { Tensor } from '@modalflow/core';
import type { EngineEvent } from '@modalflow/engine';
import type { GraphRunner } from '@modalflow/node-io';
import { batchAxis, concatRows, groupKey, rows, sliceRows } from './batch-axis.ts';
import { HttpError } from './http-error.ts';

export interface BatchingOptions {
  /** Most rows (requests' batch sizes added up) run together; 1 turns batching off. */
  maxBatchSize: number;
  /** How long the first request of a batch waits for others to join it. */
  maxDelayMs: number;
}

export interface QueueOptions extends BatchingOptions {
  /** Requests waiting beyond this many are refused with 429. */
  maxQueue: number;
}

interface Item {
  inputs: Record<string, Tensor>;
  rows: number;
  key: string | undefined;
  signal: AbortSignal | undefined;
  onEvent: ((e: EngineEvent) => void) | undefined;
  enqueued: number;
  resolve(outputs: Record<string, Tensor>): void;
  reject(e: unknown): void;
  done: boolean;
}

export interface QueueStats {
  runs: number;
  batchedRuns: number;
  requests: number;
  largestBatch: number;
}

/**
 * Runs one graph's requests one batch at a time. With batching on, requests that arrive
 * within `maxDelayMs` of each other and fit one run are stacked along the graph's batch axis,
 * run once, and each gets its own rows back, as Triton's dynamic batcher does.
 */
export class ModelQueue {
  private readonly waiting: Item[] = [];
  private running = false;
  private readonly axis;
  readonly stats: QueueStats = { runs: 0, batchedRuns: 0, requests: 0, largestBatch: 0 };
  private idle: (() => void)[] = [];
  /** Set while a batch waits for company; told of every arrival and departure. */
  private wake: (() => void) | undefined;

  constructor(
    readonly runner: GraphRunner,
    readonly options: QueueOptions,
  ) {
    this.axis = options.maxBatchSize > 1 ? batchAxis(runner.compiled.plan) : undefined;
  }

  get batching(): boolean {
    return this.axis !== undefined;
  }

  get depth(): number {
    return this.waiting.length;
  }

  /**
   * Queues one request. `batchable` false keeps it to a run of its own (jobs, whose engine
   * events belong to them alone).
   */
  submit(inputs: Record<string, Tensor>, opts: { signal?: AbortSignal; onEvent?: (e: EngineEvent) => void; batchable?: boolean } = {}): Promise<Record<string, Tensor>> {
    if (this.waiting.length >= this.options.maxQueue) {
      return Promise.reject(new HttpError(429, 'MF_QUEUE_FULL', `the queue of ${this.options.maxQueue} waiting requests is full; retry later`));
    }
    return new Promise((resolve, reject) => {
      const batchable = (opts.batchable ?? true) && this.axis !== undefined;
      const item: Item = {
        inputs,
        rows: this.axis ? rows(inputs, this.axis.inputs) : 1,
        key: batchable ? groupKey(inputs, this.axis!.inputs) : undefined,
        signal: opts.signal,
        onEvent: opts.onEvent,
        enqueued: performance.now(),
        resolve,
        reject,
        done: false,
      };
      if (opts.signal) {
        if (opts.signal.aborted) return reject(opts.signal.reason);
        opts.signal.addEventListener('abort', () => this.settle(item, undefined, opts.signal!.reason), { once: true });
      }
      this.waiting.push(item);
      this.wake?.();
      void this.pump();
    });
  }

  /** Resolves once nothing is waiting or running. */
  drained(): Promise<void> {
    if (!this.running && this.waiting.length === 0) return Promise.resolve();
    return new Promise((r) => this.idle.push(r));
  }

  private settle(item: Item, outputs: Record<string, Tensor> | undefined, error?: unknown): void {
    if (item.done) return;
    item.done = true;
    const at = this.waiting.indexOf(item);
    if (at >= 0) this.waiting.splice(at, 1);
    if (outputs) item.resolve(outputs);
    else item.reject(error);
    if (at >= 0) this.wake?.();
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.waiting.length) {
        const head = this.waiting[0]!;
        if (head.key !== undefined) {
          const wait = head.enqueued + this.options.maxDelayMs - performance.now();
          if (wait > 0 && this.fill(head) < this.options.maxBatchSize) await this.until(head, wait);
        }
        const batch = this.take();
        if (batch.length) await this.run(batch);
      }
    } finally {
      this.running = false;
      if (this.waiting.length === 0) for (const r of this.idle.splice(0)) r();
      else void this.pump();
    }
  }

  /** Rows waiting that could join `head`'s run. */
  private fill(head: Item): number {
    return this.waiting.filter((i) => i.key === head.key).reduce((n, i) => n + i.rows, 0);
  }

  /** Waits up to `ms`, returning early once the batch is full or `head` left the queue. */
  private until(head: Item, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.wake = () => {
        if (head.done || this.fill(head) >= this.options.maxBatchSize) finish();
      };
    });
  }

  private take(): Item[] {
    const head = this.waiting.find((i) => !i.done);
    if (!head) return [];
    const batch = [head];
    let total = head.rows;
    if (head.key !== undefined) {
      for (const item of this.waiting) {
        if (item === head || item.key !== head.key) continue;
        if (total + item.rows > this.options.maxBatchSize) break;
        batch.push(item);
        total += item.rows;
      }
    }
    for (const item of batch) this.waiting.splice(this.waiting.indexOf(item), 1);
    return batch;
  }

  private async run(batch: Item[]): Promise<void> {
    const live = batch.filter((i) => !i.done);
    if (!live.length) return;
    this.stats.runs++;
    this.stats.requests += live.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, live.length);
    if (live.length === 1) {
      const [item] = live as [Item];
      try {
        const outputs = await this.runner.run(item.inputs, {
          ...(item.signal ? { signal: item.signal } : {}),
          ...(item.onEvent ? { onEvent: item.onEvent } : {}),
        });
        this.settle(item, outputs);
      } catch (e) {
        this.settle(item, undefined, e);
      }
      return;
    }
    this.stats.batchedRuns++;
    const axis = this.axis!;
    const first = live[0]!.inputs;
    const inputs: Record<string, Tensor> = {};
    for (const name of Object.keys(first)) {
      inputs[name] = axis.inputs.has(name) ? concatRows(live.map((i) => i.inputs[name]!)) : first[name]!;
    }
    const total = live.reduce((n, i) => n + i.rows, 0);
    let outputs: Record<string, Tensor>;
    try {
      outputs = await this.runner.run(inputs);
    } catch {
      // One bad request must not fail the others it was batched with: each runs alone.
      for (const item of live) await this.run([item]);
      return;
    }
    if (!Object.values(outputs).every((t) => t.dims[0] === total)) {
      for (const item of live) await this.run([item]);
      return;
    }
    let at = 0;
    for (const item of live) {
      const mine: Record<string, Tensor> = {};
      for (const [name, t] of Object.entries(outputs)) mine[name] = sliceRows(t, at, item.rows);
      at += item.rows;
      this.settle(item, mine);
    }
  }
}
