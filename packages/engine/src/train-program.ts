import { ModalflowError, type Tensor } from '@modalflow/core';
import {
  STEP_INPUT,
  buildEval,
  buildStep,
  initialState,
  nextName,
  type BatchShapes,
  type EvalModel,
  type StepModel,
  type TrainSetup,
} from '@modalflow/compiler';
import type { Program } from './engine.ts';
import { isResident, type Feed, type Provider, type ResidentTensor, type Runtime, type RuntimeSession } from './runtime.ts';
import { firstNonFinite } from './train-nonfinite.ts';
import { objectiveAccuracy } from './train-metrics.ts';

export interface TrainStepResult {
  /** 1-based number of the step just taken. */
  step: number;
  loss: number;
  /** grad_norm, lr and each objective's value. */
  metrics: Record<string, number>;
  /** Examples in the batch. */
  examples: number;
  ms: number;
}

export interface EvalResult {
  loss: number;
  metrics: Record<string, number>;
  /** The graph's output nodes, by output node id. */
  outputs: Record<string, Tensor>;
  ms: number;
}

export type TrainEvent =
  | { type: 'compile'; kind: 'step' | 'eval'; signature: string; ms: number; provider: Provider }
  | ({ type: 'step' } & TrainStepResult)
  | ({ type: 'eval' } & Omit<EvalResult, 'outputs'>);

export interface TrainProgramOptions {
  providers?: Provider[];
  onEvent?: (e: TrainEvent) => void;
}

interface Compiled<M> {
  model: M;
  session: RuntimeSession;
}

/** The step's outputs that feed the next step: they stay in the runtime where it can keep them. */
const stepOutputs = (m: StepModel): string[] => [...m.params.map(nextName), ...m.state.map((s) => nextName(s.name))];

const scalar = (t: Tensor | undefined): number => Number((t?.data as Float32Array | undefined)?.[0] ?? NaN);

/**
 * Trains a graph: runs the host steps on each batch, then one train-step model that takes the
 * batch, the parameters, the optimiser state and the step number and returns the loss and the
 * next parameters and state. Step models are built per batch signature (gradient rules need
 * concrete sizes) and kept, so a run with a fixed batch size compiles once.
 *
 * Where the runtime can keep values between runs, parameters and optimiser state stay in it
 * (GPU buffers on WebGPU, the worker in the browser) from the first step on: each step sends
 * only the batch and reads back only the loss and metrics. They are read back on demand.
 */
export class TrainProgram {
  /** Every weight by name: a host tensor, or a resident value once a step has produced it. */
  private readonly params: Map<string, Feed>;
  private state = new Map<string, Feed>();
  private stepCount = 0;
  private readonly steps = new Map<string, Compiled<StepModel>>();
  private readonly evals = new Map<string, Compiled<EvalModel>>();
  private readonly trainable: Set<string>;
  /** Runs and reads using resident values right now; releasing them waits until none are left. */
  private readers = 0;
  private retired: ResidentTensor[] = [];
  private released = false;

  constructor(
    readonly setup: TrainSetup,
    private readonly runtime: Runtime,
    private readonly prefix: Program,
    private readonly options: TrainProgramOptions = {},
  ) {
    this.params = new Map(setup.initial);
    this.trainable = new Set(setup.params.map((p) => p.name));
  }

  /** Steps taken so far. */
  get stepsTaken(): number {
    return this.stepCount;
  }

  /** Whether parameters and optimiser state stay in the runtime between steps. */
  get resident(): boolean {
    return this.runtime.resident !== undefined;
  }

  /** Current values of every weight of the trained part, by `<nodeId>.<weight>`; read back from the runtime where they live there. */
  async weights(): Promise<Map<string, Tensor>> {
    return this.hostValues(this.params);
  }

  /** Current optimiser state, by `optimizer.<weight>.<buffer>`. */
  async optimizerState(): Promise<Map<string, Tensor>> {
    return this.hostValues(this.state);
  }

  /** Restores weights, optimiser state and the step counter (from a checkpoint), placing them in the runtime where it keeps values. */
  async restore(weights: Map<string, Tensor>, state: Map<string, Tensor>, step: number): Promise<void> {
    for (const [name, t] of weights) {
      const known = this.params.get(name);
      if (!known) throw new ModalflowError('MF_CHECKPOINT_EXTRA', `the checkpoint has weight "${name}", which the graph does not declare`, { weight: name });
      if (known.dims.join(',') !== t.dims.join(',')) {
        throw new ModalflowError('MF_CHECKPOINT_SHAPE', `checkpoint weight "${name}" has shape [${t.dims.join(', ')}], the graph [${known.dims.join(', ')}]`, { weight: name });
      }
    }
    const store = this.runtime.resident;
    const nextParams = new Map<string, Feed>();
    const nextState = new Map<string, Feed>();
    try {
      // Frozen weights stay on the host: step models embed them as initializers.
      for (const [name, t] of weights) nextParams.set(name, store && this.trainable.has(name) ? await store.upload(t) : t);
      for (const [name, t] of state) nextState.set(name, store ? await store.upload(t) : t);
    } catch (e) {
      await this.retire([...nextParams.values(), ...nextState.values()]);
      throw e;
    }
    await this.retire([...[...nextParams.keys()].map((k) => this.params.get(k)), ...this.state.values()]);
    for (const [name, v] of nextParams) this.params.set(name, v);
    this.state = nextState;
    this.stepCount = step;
  }

  /** Host tensors for `values`, downloading the resident ones (in parallel: each is one round trip). */
  private async hostValues(values: Map<string, Feed>): Promise<Map<string, Tensor>> {
    if (this.released && [...values.values()].some(isResident)) {
      throw new ModalflowError('MF_TRAIN_RELEASED', 'the training program was released, and the weights with it; read them before release()');
    }
    const snapshot = [...values];
    return this.reading(async () => {
      const store = this.runtime.resident;
      const read = await Promise.all(snapshot.map(async ([name, v]) => [name, isResident(v) ? await store!.download(v) : v] as const));
      return new Map(read);
    });
  }

  /** Weights for building a model: trainable ones only lend their shape there, so a resident one is stood in for by its initial value. */
  private buildWeights(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const [name, v] of this.params) out.set(name, isResident(v) ? this.setup.initial.get(name)! : v);
    return out;
  }

  /** Runs `task` while resident values it reads must not be released. */
  private async reading<T>(task: () => Promise<T>): Promise<T> {
    this.readers++;
    try {
      return await task();
    } finally {
      this.readers--;
      if (this.readers === 0 && this.retired.length) {
        const done = this.retired;
        this.retired = [];
        void this.runtime.resident?.release(done).catch(() => undefined);
      }
    }
  }

  /**
   * Releases resident values no longer referenced, once no run or read still uses them. A step
   * does not wait for it: in the browser that would add a round trip to the worker per step,
   * and the worker takes the release before the next run anyway. Releasing cannot fail in a
   * way the caller could act on, so errors are dropped.
   */
  private async retire(values: readonly (Feed | undefined)[], wait = false): Promise<void> {
    const resident = values.filter(isResident);
    if (!resident.length) return;
    if (this.readers > 0) {
      this.retired.push(...resident);
      return;
    }
    const done = this.runtime.resident!.release(resident).catch(() => undefined);
    if (wait) await done;
  }

  private async batchFeeds(batch: Record<string, Tensor>, signal?: AbortSignal): Promise<{ feeds: Record<string, Tensor>; shapes: BatchShapes; examples: number }> {
    const result = await this.prefix.run(batch, { signal, cache: false });
    const values: Record<string, Tensor> = { ...result.outputs };
    for (const spec of this.prefix.plan.inputs) values[spec.tensor] = batch[spec.name]!;
    const feeds: Record<string, Tensor> = {};
    const shapes: BatchShapes = {};
    for (const b of this.setup.boundary) {
      const t = values[b.tensor];
      if (!t) continue;
      feeds[b.tensor] = t;
      shapes[b.tensor] = [...t.dims];
    }
    const first = Object.values(batch)[0];
    return { feeds, shapes, examples: first?.dims[0] ?? 0 };
  }

  private async compiled<M extends { bytes: Uint8Array }>(
    cache: Map<string, Compiled<M>>,
    kind: 'step' | 'eval',
    shapes: BatchShapes,
    build: () => M,
    keepOutputs: (m: M) => string[] = () => [],
  ): Promise<Compiled<M>> {
    const signature = Object.entries(shapes).map(([k, v]) => `${k}:${v.join('x')}`).sort().join(' ');
    const hit = cache.get(signature);
    if (hit) return hit;
    const t0 = performance.now();
    const model = build();
    const keep = this.runtime.resident ? keepOutputs(model) : [];
    const session = await this.runtime.createSession(model.bytes, {
      providers: this.options.providers,
      label: `train-${kind}`,
      ...(keep.length ? { keepOutputs: keep } : {}),
    });
    const entry = { model, session };
    cache.set(signature, entry);
    this.options.onEvent?.({ type: 'compile', kind, signature, ms: performance.now() - t0, provider: session.provider });
    return entry;
  }

  /** The provider the step model runs on (after the first step). */
  get provider(): Provider | undefined {
    return [...this.steps.values()][0]?.session.provider;
  }

  /** One optimisation step on `batch` (values by graph input name, as Program.run takes them). */
  async step(batch: Record<string, Tensor>, options: { signal?: AbortSignal } = {}): Promise<TrainStepResult> {
    const t0 = performance.now();
    const batchIn = await this.batchFeeds(batch, options.signal);
    const { shapes, examples } = batchIn;
    const { model, session } = await this.compiled(this.steps, 'step', shapes, () => buildStep(this.setup, shapes, this.buildWeights()), stepOutputs);
    if (this.state.size === 0 || model.state.some((s) => !this.state.has(s.name))) {
      const fresh = initialState(model);
      for (const [k, v] of fresh) if (!this.state.has(k)) this.state.set(k, v);
    }
    const feeds: Record<string, Feed> = { ...batchIn.feeds };
    for (const p of model.params) feeds[p] = this.params.get(p)!;
    for (const s of model.state) feeds[s.name] = this.state.get(s.name)!;
    const stepNumber = this.stepCount + 1;
    feeds[STEP_INPUT] = { dtype: 'float32', dims: [], data: Float32Array.of(stepNumber) };
    if (options.signal?.aborted) throw new DOMException('training was cancelled', 'AbortError');
    const keep = this.runtime.resident && session.runResident ? stepOutputs(model) : undefined;
    const { out, next } = await this.reading(async () => {
      if (!keep) {
        const host = await session.run(feeds as Record<string, Tensor>);
        return { out: host, next: host as Record<string, Feed> };
      }
      const r = await session.runResident!(feeds, keep);
      return { out: r.outputs, next: r.kept as Record<string, Feed> };
    });
    const loss = scalar(out['loss']);
    if (!Number.isFinite(loss)) {
      // The failing step's results are dropped; the weights stay as they were before it.
      await this.retire(Object.values(keep ? next : {}));
      const culprit = await this.diagnose(batchIn.feeds, shapes);
      throw new ModalflowError(
        'MF_TRAIN_NONFINITE',
        `step ${stepNumber}: the loss is ${loss}${culprit ? `; the first non-finite value is "${culprit.tensor}" (${culprit.what})` : ''}. The weights were left as they were before this step`,
        culprit ? { node: culprit.tensor.split('.')[0] } : {},
      );
    }
    const replaced: Feed[] = [];
    for (const p of model.params) {
      replaced.push(this.params.get(p)!);
      this.params.set(p, next[nextName(p)]!);
    }
    for (const s of model.state) {
      replaced.push(this.state.get(s.name)!);
      this.state.set(s.name, next[nextName(s.name)]!);
    }
    await this.retire(replaced);
    this.stepCount = stepNumber;
    const metrics: Record<string, number> = {};
    for (const m of model.metrics) if (m !== 'loss') metrics[m] = scalar(out[m]);
    const result: TrainStepResult = { step: stepNumber, loss, metrics, examples, ms: performance.now() - t0 };
    this.options.onEvent?.({ type: 'step', ...result });
    return result;
  }

  /** The forward pass with the current weights: loss, objectives and the graph's outputs. */
  async evaluate(batch: Record<string, Tensor>, options: { signal?: AbortSignal } = {}): Promise<EvalResult> {
    const t0 = performance.now();
    const { feeds: batchFeeds, shapes } = await this.batchFeeds(batch, options.signal);
    const { model, session } = await this.compiled(this.evals, 'eval', shapes, () => buildEval(this.setup, shapes, this.buildWeights()));
    const feeds: Record<string, Feed> = { ...batchFeeds };
    for (const p of model.params) feeds[p] = this.params.get(p)!;
    const out = await this.reading(async () => {
      if (!Object.values(feeds).some(isResident)) return session.run(feeds as Record<string, Tensor>);
      if (!session.runResident) throw new ModalflowError('RUNTIME_RUN_FAILED', 'the evaluation session cannot take resident values');
      return (await session.runResident(feeds, [])).outputs;
    });
    const metrics: Record<string, number> = {};
    for (const o of this.setup.objectives) metrics[o.tensor] = scalar(out[o.tensor]);
    Object.assign(metrics, objectiveAccuracy(this.setup, (t) => out[t] ?? batchFeeds[t]));
    const outputs: Record<string, Tensor> = {};
    for (const o of this.setup.outputs) if (out[o.tensor]) outputs[o.name] = out[o.tensor]!;
    const result: EvalResult = { loss: scalar(out['loss']), metrics, outputs, ms: performance.now() - t0 };
    this.options.onEvent?.({ type: 'eval', loss: result.loss, metrics, ms: result.ms });
    return result;
  }

  /** Runs the forward pass exposing every computed tensor, and names the first one that is not finite. */
  private async diagnose(feeds: Record<string, Tensor>, shapes: BatchShapes) {
    try {
      return await firstNonFinite(this.setup, this.runtime, feeds, shapes, await this.weights(), this.options.providers);
    } catch {
      return undefined;
    }
  }

  /** Releases the sessions and the resident values: read weights() before this. */
  async release(): Promise<void> {
    this.released = true;
    await this.retire([...this.params.values(), ...this.state.values(), ...this.retired], true);
    this.retired = [];
    for (const c of [...this.steps.values(), ...this.evals.values()]) await c.session.release();
    this.steps.clear();
    this.evals.clear();
    await this.prefix.release();
  }
}
