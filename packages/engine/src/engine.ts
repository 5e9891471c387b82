import { ModalflowError, type NodeRegistry, type Tensor } from '@modalflow/core';
import type { CompiledPlan, Plan, Stage, TrainSetup } from '@modalflow/compiler';
import { TrainProgram, type TrainProgramOptions } from './train-program.ts';
import type { Provider, Runtime, RuntimeSession } from './runtime.ts';
import type { EngineEvent } from './events.ts';
import { StageCache } from './cache.ts';
import { HostSteps } from './host-steps.ts';
import { checkInputs, checkNodeInputs, type NodeLookup } from './check-inputs.ts';
import { computeHostFeeds } from './host-feeds.ts';
import { hashReady, hashString, hashTensor } from './tensor-hash.ts';
import { halveFeeds, widenResults } from './float16-boundary.ts';
import { runGenerate } from './generate.ts';
import { beamReorderModel, reorderOut } from './beam-reorder.ts';

export interface EngineOptions {
  /** Host steps by node type; taken from `registry` when absent. */
  hostSteps?: HostSteps;
  /**
   * The node types plans were compiled with. Gives each run the checks nodes declare on their
   * input shapes (`checkInput`), run before any stage; without it those checks are skipped.
   */
  registry?: NodeRegistry;
  /** Byte budget of the stage-result cache (default 256 MiB). */
  cacheBytes?: number;
}

export interface LoadOptions {
  providers?: Provider[];
  onEvent?: (e: { type: 'session'; stage: string; provider: Provider; ms: number }) => void;
}

export interface RunOptions {
  signal?: AbortSignal;
  onEvent?: (e: EngineEvent) => void;
  /** Tapped tensors to return (`<nodeId>.<port>`); each must have been compiled in as a tap. */
  taps?: string[];
  /** Reuse stage results whose inputs have not changed (default true). */
  cache?: boolean;
}

export interface StageReport {
  stage: string;
  kind: Stage['kind'];
  cached: boolean;
  ms: number;
  provider: string;
}

export interface StageProvider {
  provider: Provider;
  skipped: { provider: Provider; reason?: string }[];
  cpuFallback: boolean;
  note?: string;
}

export interface RunResult {
  outputs: Record<string, Tensor>;
  taps: Record<string, Tensor>;
  stages: StageReport[];
  ms: number;
}

function abortError(): Error {
  return new DOMException('the run was cancelled', 'AbortError');
}

/** Resolves with `p`, or rejects as soon as `signal` aborts (the work itself may finish later). */
function raceAbort<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError());
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** A loaded plan: one session per ONNX stage, created once and reused by every run. */
export class Program {
  constructor(
    readonly plan: Plan,
    private readonly sessions: Map<string, RuntimeSession>,
    private readonly hostSteps: HostSteps,
    private readonly cache: StageCache,
    private readonly assets: Record<string, Uint8Array> = {},
    private readonly nodeTypes: NodeLookup = () => undefined,
    /** The runtime the sessions came from: generate stages keep their caches in it. */
    private readonly runtime?: Runtime,
    /** A generate stage's other models (cross-attention keys and values, beam reorder), by stage id. */
    private readonly loopSessions: Map<string, { cross?: RuntimeSession; reorder?: RuntimeSession; crossGather?: RuntimeSession }> = new Map(),
  ) {}

  private readonly asset = (name: string) => {
    const bytes = this.assets[name];
    return bytes ? { name, uri: name, bytes } : undefined;
  };

  /** The provider each ONNX stage actually runs on, with the reasons others were skipped. */
  get providers(): Record<string, StageProvider> {
    const out: Record<string, StageProvider> = {};
    for (const [id, s] of this.sessions) {
      const used = s.attempts.find((a) => a.ok && a.provider === s.provider);
      out[id] = {
        provider: s.provider,
        skipped: s.attempts.filter((a) => !a.ok).map((a) => ({ provider: a.provider, reason: a.reason })),
        cpuFallback: s.cpuFallback ?? false,
        ...(used?.note ? { note: used.note } : {}),
      };
    }
    return out;
  }

  async run(inputs: Record<string, Tensor>, options: RunOptions = {}): Promise<RunResult> {
    const { signal, onEvent } = options;
    const useCache = options.cache ?? true;
    const started = performance.now();
    if (signal?.aborted) throw abortError();
    checkInputs(this.plan, inputs);
    checkNodeInputs(this.plan, inputs, this.nodeTypes);
    const fed = computeHostFeeds(this.plan, inputs, (type) => {
      const def = this.nodeTypes(type);
      return def?.hostFeeds ? { version: def.version, compute: def.hostFeeds } : this.hostSteps.feed(type);
    });
    for (const tap of options.taps ?? []) {
      if (!this.plan.taps.includes(tap)) {
        throw new ModalflowError('MF_TAP_NOT_COMPILED', `"${tap}" was not compiled as a tap; compile with taps: ["${tap}"]`, { node: tap.split('.')[0] });
      }
    }

    const values = new Map<string, Tensor>();
    const keys = new Map<string, string>();
    for (const spec of this.plan.inputs) {
      const t = inputs[spec.name];
      if (!t) continue;
      values.set(spec.tensor, t);
      if (useCache) keys.set(spec.tensor, hashTensor(t));
    }
    for (const [tensor, t] of fed) {
      values.set(tensor, t);
      if (useCache) keys.set(tensor, hashTensor(t));
    }

    const total = this.plan.stages.length;
    const reports: StageReport[] = [];
    let cached = 0;
    onEvent?.({ type: 'run-start', stages: total });
    for (const [index, stage] of this.plan.stages.entries()) {
      if (signal?.aborted) {
        onEvent?.({ type: 'cancelled', stage: stage.id });
        throw abortError();
      }
      const key = useCache ? this.stageKey(stage, keys) : '';
      const hit = useCache ? this.cache.get(key) : undefined;
      if (hit) {
        for (const b of stage.outputs) values.set(b.tensor, hit[b.name]!);
        for (const b of stage.outputs) keys.set(b.tensor, hashString(`${key}#${b.name}`));
        reports.push({ stage: stage.id, kind: stage.kind, cached: true, ms: 0, provider: 'cache' });
        cached++;
        onEvent?.({ type: 'stage-cached', stage: stage.id, index, total, nodes: stage.nodes });
        onEvent?.({ type: 'progress', done: index + 1, total });
        continue;
      }
      onEvent?.({ type: 'stage-start', stage: stage.id, index, total, nodes: stage.nodes });
      const t0 = performance.now();
      let result: Record<string, Tensor>;
      let provider: string;
      try {
        const feeds: Record<string, Tensor> = {};
        for (const b of stage.inputs) feeds[b.name] = values.get(b.tensor)!;
        if (stage.kind === 'generate') {
          const session = this.sessions.get(stage.id)!;
          provider = session.provider;
          const loop = this.loopSessions.get(stage.id) ?? {};
          result = await runGenerate({ stage, session, runtime: this.runtime!, signal, onEvent, crossSession: loop.cross, reorderSession: loop.reorder, crossGatherSession: loop.crossGather }, feeds);
        } else if (stage.kind === 'onnx') {
          const session = this.sessions.get(stage.id)!;
          provider = session.provider;
          // A stage nothing reads (a loss node beside the outputs) has nothing to fetch; onnxruntime rejects empty fetches.
          if (stage.float16) halveFeeds(feeds, stage.float16);
          result = stage.outputs.length ? await raceAbort(session.run(feeds, stage.outputs.map((b) => b.name)), signal) : {};
          if (stage.float16) result = widenResults(result, stage.float16);
        } else {
          provider = 'host';
          const step = this.hostSteps.get(stage.step);
          if (!step) throw new ModalflowError('MF_NO_HOST_STEP', `no host step is registered for "${stage.step}"`, { node: stage.nodes[0] });
          result = await raceAbort(Promise.resolve(step(feeds, { node: stage.nodes[0]!, params: stage.params, signal, asset: this.asset })), signal);
        }
      } catch (error) {
        if ((error as Error).name === 'AbortError') {
          onEvent?.({ type: 'cancelled', stage: stage.id });
          throw error;
        }
        onEvent?.({ type: 'stage-failed', stage: stage.id, index, error: error as Error });
        throw error;
      }
      const ms = performance.now() - t0;
      for (const b of stage.outputs) {
        const t = result[b.name];
        if (!t) throw new ModalflowError('MF_STAGE_OUTPUT', `stage ${stage.id} returned no "${b.name}"`, { node: stage.nodes[0] });
        values.set(b.tensor, t);
        if (useCache) keys.set(b.tensor, hashString(`${key}#${b.name}`));
      }
      if (useCache) this.cache.set(key, result);
      reports.push({ stage: stage.id, kind: stage.kind, cached: false, ms, provider });
      onEvent?.({ type: 'stage-end', stage: stage.id, index, total, ms, provider });
      onEvent?.({ type: 'progress', done: index + 1, total });
    }

    const outputs: Record<string, Tensor> = {};
    for (const o of this.plan.outputs) outputs[o.name] = values.get(o.tensor)!;
    const taps: Record<string, Tensor> = {};
    for (const tap of options.taps ?? []) taps[tap] = values.get(tap)!;
    const ms = performance.now() - started;
    onEvent?.({ type: 'run-end', ms, cached, ran: total - cached });
    return { outputs, taps, stages: reports, ms };
  }

  private stageKey(stage: Stage, keys: Map<string, string>): string {
    const parts = [stage.hash, ...stage.inputs.map((b) => `${b.name}=${keys.get(b.tensor)}`)];
    return hashString(parts.join('|'));
  }

  clearCache(): void {
    this.cache.clear();
  }

  async release(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.release()));
    this.sessions.clear();
    await Promise.all([...this.loopSessions.values()].flatMap((l) => [l.cross, l.reorder, l.crossGather]).map((s) => s?.release()));
    this.loopSessions.clear();
  }
}

export interface Engine {
  readonly runtime: Runtime;
  load(compiled: CompiledPlan, options?: LoadOptions): Promise<Program>;
  /** Prepares training: the host steps load now, step models on the first batch of each shape. */
  train(setup: TrainSetup, options?: TrainProgramOptions): Promise<TrainProgram>;
}

export function createEngine(runtime: Runtime, options: EngineOptions = {}): Engine {
  const hostSteps = options.hostSteps ?? (options.registry ? HostSteps.fromRegistry(options.registry) : new HostSteps());
  const registry = options.registry;
  const nodeTypes: NodeLookup = (type) => registry?.get(type);
  return {
    runtime,
    async load(compiled, loadOptions = {}) {
      await hashReady();
      const sessions = new Map<string, RuntimeSession>();
      const loopSessions = new Map<string, { cross?: RuntimeSession; reorder?: RuntimeSession; crossGather?: RuntimeSession }>();
      try {
        for (const stage of compiled.plan.stages) {
          if (stage.kind === 'host') {
            if (!hostSteps.get(stage.step)) {
              throw new ModalflowError('MF_NO_HOST_STEP', `no host step is registered for "${stage.step}"`, { node: stage.nodes[0] });
            }
            for (const a of stage.assets ?? []) {
              if (!compiled.assets?.[a]) throw new ModalflowError('MF_ASSET_NOT_LOADED', `asset "${a}" needed by host step "${stage.step}" is missing from the compiled plan`, { node: stage.nodes[0] });
            }
            continue;
          }
          const bytes = compiled.models[stage.model];
          if (!bytes) throw new ModalflowError('MF_PLAN_MODEL_MISSING', `the plan's model "${stage.model}" is missing`, { file: stage.model });
          const t0 = performance.now();
          // A generate stage's cache outputs are fed back on every step: on WebGPU they stay in GPU buffers.
          const keep = stage.kind === 'generate' && runtime.resident ? { keepOutputs: stage.cache.map((c) => c.present) } : {};
          const session = await runtime.createSession(bytes, { providers: loadOptions.providers, label: stage.id, ...keep });
          sessions.set(stage.id, session);
          if (stage.kind === 'generate') {
            const loop: { cross?: RuntimeSession; reorder?: RuntimeSession; crossGather?: RuntimeSession } = {};
            loopSessions.set(stage.id, loop);
            if (stage.cross) {
              const cross = compiled.models[stage.cross.model];
              if (!cross) throw new ModalflowError('MF_PLAN_MODEL_MISSING', `the plan's model "${stage.cross.model}" is missing`, { file: stage.cross.model });
              const kept = runtime.resident ? { keepOutputs: stage.cross.outputs } : {};
              loop.cross = await runtime.createSession(cross, { providers: loadOptions.providers, label: `${stage.id}-cross`, ...kept });
            }
            // Only a runtime that keeps values can reorder beams in place; elsewhere the cache is on the host anyway.
            if (runtime.resident && stage.settings['strategy'] === 'beam' && stage.settings['use_cache'] !== false && stage.cache.length) {
              const outs = stage.cache.map((c) => reorderOut(c.past));
              loop.reorder = await runtime.createSession(beamReorderModel(stage.cache), { providers: loadOptions.providers, label: `${stage.id}-reorder`, keepOutputs: outs });
            }
            if (runtime.resident && stage.settings['strategy'] === 'beam' && stage.cross && stage.cache.length) {
              const { heads, headDim } = stage.cache[0]!;
              const model = beamReorderModel(stage.cross.outputs.map((past) => ({ past, heads, headDim })));
              const keepOutputs = stage.cross.outputs.map(reorderOut);
              loop.crossGather = await runtime.createSession(model, { providers: loadOptions.providers, label: `${stage.id}-cross-rows`, keepOutputs });
            }
          }
          loadOptions.onEvent?.({ type: 'session', stage: stage.id, provider: session.provider, ms: performance.now() - t0 });
        }
      } catch (e) {
        await Promise.all([...sessions.values()].map((s) => s.release()));
        await Promise.all([...loopSessions.values()].flatMap((l) => [l.cross, l.reorder, l.crossGather]).map((s) => s?.release()));
        throw e;
      }
      return new Program(compiled.plan, sessions, hostSteps, new StageCache(options.cacheBytes ?? 256 * 2 ** 20), compiled.assets ?? {}, nodeTypes, runtime, loopSessions);
    },
    async train(setup, trainOptions = {}) {
      const prefix = await this.load(setup.prefix, { providers: trainOptions.providers });
      return new TrainProgram(setup, runtime, prefix, trainOptions);
    },
  };
}
