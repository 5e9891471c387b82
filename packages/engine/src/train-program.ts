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
import type { Provider, Runtime, RuntimeSession } from './runtime.ts';
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

const scalar = (t: Tensor | undefined): number => Number((t?.data as Float32Array | undefined)?.[0] ?? NaN);

/**
 * Trains a graph: runs the host steps on each batch, then one train-step model that takes the
 * batch, the parameters, the optimiser state and the step number and returns the loss and the
 * next parameters and state. Step models are built per batch signature (gradient rules need
 * concrete sizes) and kept, so a run with a fixed batch size compiles once.
 */
export class TrainProgram {
  private readonly params: Map<string, Tensor>;
  private state = new Map<string, Tensor>();
  private stepCount = 0;
  private readonly steps = new Map<string, Compiled<StepModel>>();
  private readonly evals = new Map<string, Compiled<EvalModel>>();

  constructor(
    readonly setup: TrainSetup,
    private readonly runtime: Runtime,
    private readonly prefix: Program,
    private readonly options: TrainProgramOptions = {},
  ) {
    this.params = new Map(setup.initial);
  }

  /** Steps taken so far. */
  get stepsTaken(): number {
    return this.stepCount;
  }

  /** Current values of every weight of the trained part, by `<nodeId>.<weight>`. */
  weights(): Map<string, Tensor> {
    return new Map(this.params);
  }

  /** Current optimiser state, by `optimizer.<weight>.<buffer>`. */
  optimizerState(): Map<string, Tensor> {
    return new Map(this.state);
  }

  /** Restores weights, optimiser state and the step counter (from a checkpoint). */
  restore(weights: Map<string, Tensor>, state: Map<string, Tensor>, step: number): void {
    for (const [name, t] of weights) {
      const known = this.params.get(name);
      if (!known) throw new ModalflowError('MF_CHECKPOINT_EXTRA', `the checkpoint has weight "${name}", which the graph does not declare`, { weight: name });
      if (known.dims.join(',') !== t.dims.join(',')) {
        throw new ModalflowError('MF_CHECKPOINT_SHAPE', `checkpoint weight "${name}" has shape [${t.dims.join(', ')}], the graph [${known.dims.join(', ')}]`, { weight: name });
      }
      this.params.set(name, t);
    }
    this.state = new Map(state);
    this.stepCount = step;
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
  ): Promise<Compiled<M>> {
    const signature = Object.entries(shapes).map(([k, v]) => `${k}:${v.join('x')}`).sort().join(' ');
    const hit = cache.get(signature);
    if (hit) return hit;
    const t0 = performance.now();
    const model = build();
    const session = await this.runtime.createSession(model.bytes, { providers: this.options.providers, label: `train-${kind}` });
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
    const { feeds, shapes, examples } = await this.batchFeeds(batch, options.signal);
    const { model, session } = await this.compiled(this.steps, 'step', shapes, () => buildStep(this.setup, shapes, this.params));
    if (this.state.size === 0 || model.state.some((s) => !this.state.has(s.name))) {
      const fresh = initialState(model);
      for (const [k, v] of fresh) if (!this.state.has(k)) this.state.set(k, v);
    }
    for (const p of model.params) feeds[p] = this.params.get(p)!;
    for (const s of model.state) feeds[s.name] = this.state.get(s.name)!;
    const stepNumber = this.stepCount + 1;
    feeds[STEP_INPUT] = { dtype: 'float32', dims: [], data: Float32Array.of(stepNumber) };
    if (options.signal?.aborted) throw new DOMException('training was cancelled', 'AbortError');
    const out = await session.run(feeds);
    const loss = scalar(out['loss']);
    if (!Number.isFinite(loss)) {
      const culprit = await this.diagnose(feeds, shapes);
      throw new ModalflowError(
        'MF_TRAIN_NONFINITE',
        `step ${stepNumber}: the loss is ${loss}${culprit ? `; the first non-finite value is "${culprit.tensor}" (${culprit.what})` : ''}. The weights were left as they were before this step`,
        culprit ? { node: culprit.tensor.split('.')[0] } : {},
      );
    }
    for (const p of model.params) this.params.set(p, out[nextName(p)]!);
    for (const s of model.state) this.state.set(s.name, out[nextName(s.name)]!);
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
    const { feeds, shapes } = await this.batchFeeds(batch, options.signal);
    const { model, session } = await this.compiled(this.evals, 'eval', shapes, () => buildEval(this.setup, shapes, this.params));
    for (const p of model.params) feeds[p] = this.params.get(p)!;
    const out = await session.run(feeds);
    const metrics: Record<string, number> = {};
    for (const o of this.setup.objectives) metrics[o.tensor] = scalar(out[o.tensor]);
    Object.assign(metrics, objectiveAccuracy(this.setup, (t) => out[t] ?? feeds[t]));
    const outputs: Record<string, Tensor> = {};
    for (const o of this.setup.outputs) if (out[o.tensor]) outputs[o.name] = out[o.tensor]!;
    const result: EvalResult = { loss: scalar(out['loss']), metrics, outputs, ms: performance.now() - t0 };
    this.options.onEvent?.({ type: 'eval', loss: result.loss, metrics, ms: result.ms });
    return result;
  }

  /** Runs the forward pass exposing every computed tensor, and names the first one that is not finite. */
  private async diagnose(feeds: Record<string, Tensor>, shapes: BatchShapes) {
    try {
      return await firstNonFinite(this.setup, this.runtime, feeds, shapes, this.params, this.options.providers);
    } catch {
      return undefined;
    }
  }

  async release(): Promise<void> {
    for (const c of [...this.steps.values(), ...this.evals.values()]) await c.session.release();
    this.steps.clear();
    this.evals.clear();
    await this.prefix.release();
  }
}
