import * as ort from 'onnxruntime-node';
import { ModalflowError, type Problem, type Tensor } from '@modalflow/core';
import type { Provider, ProviderAttempt, Runtime, RuntimeSession, SessionOptions } from '@modalflow/engine';
import { isCpuFallbackRefusal, isEnvironmentalError, isModelError, nodeFromRunError, portFromRunError } from './ort-errors.ts';
import { probeInChild, type ProbeOutcome } from './probe.ts';
import {
  compiledBackends,
  cudaPrecheck,
  explainCudaError,
  explainWebgpuProbe,
  firstLine,
  staticReason,
  webgpuPrecheck,
} from './providers.ts';
import { fromOrtTensor, tensorProblem, toOrtTensor } from './tensors.ts';

export type LogSeverity = 'verbose' | 'info' | 'warning' | 'error' | 'fatal';

/** onnxruntime session options passed through as is (graph optimisation, threads, ...). */
export type OrtSessionOptions = Omit<ort.InferenceSession.SessionOptions, 'executionProviders'>;

export interface NodeRuntimeOptions {
  /** Preference order; defaults to cuda, webgpu, cpu. */
  providers?: Provider[];
  /**
   * ORT's log threshold for this runtime's sessions (default 'error'). It also sets ORT's
   * process-wide logger, which only takes effect if no session exists in the process yet.
   */
  logSeverity?: LogSeverity;
  sessionOptions?: OrtSessionOptions;
  /**
   * What to do when a GPU provider lacks kernels for some nodes and ORT would run those on CPU.
   * 'allow' (default) keeps the GPU session and reports `cpuFallback: true`; 'forbid' counts the
   * provider as failed for that model and moves on to the next one.
   */
  cpuFallback?: 'allow' | 'forbid';
  /** How long a provider probe process may take before its GPU stack is declared hung (default 30 s). */
  probeTimeoutMs?: number;
}

export interface NodeSessionOptions extends SessionOptions {
  /** Per-session additions to the runtime's `sessionOptions`. */
  sessionOptions?: OrtSessionOptions;
}

export interface NodeProviderAttempt extends ProviderAttempt {
  /** Time spent on this provider: the check, probe or session creation. */
  ms: number;
  /** For the provider that was used: anything a user should know, such as nodes left on CPU. */
  note?: string;
}

export interface NodeRuntimeSession extends RuntimeSession {
  readonly label: string;
  readonly attempts: readonly NodeProviderAttempt[];
  /**
   * True when the session runs on a GPU provider but ORT placed some nodes on CPU because the
   * provider has no kernel for them (int64 arithmetic on WebGPU, for instance). ORT does not
   * say how many, so a graph could in principle run entirely on CPU; use
   * `cpuFallback: 'forbid'` where that matters.
   */
  readonly cpuFallback: boolean;
}

export interface ProviderStatus {
  provider: Provider;
  available: boolean;
  /** Why not, in words a user can act on. */
  reason?: string;
  /** How long the check took; GPU providers are checked by creating a session in a child process. */
  ms: number;
}

export interface NodeRuntime extends Runtime {
  readonly name: 'onnxruntime-node';
  createSession(model: Uint8Array, options?: NodeSessionOptions): Promise<NodeRuntimeSession>;
  /** Which providers work on this machine and why the others do not; for `modalflow doctor`-style output. */
  describeProviders(): Promise<ProviderStatus[]>;
}

export const DEFAULT_PROVIDERS: readonly Provider[] = ['cuda', 'webgpu', 'cpu'];
const ALL_PROVIDERS: readonly Provider[] = ['cuda', 'webgpu', 'cpu', 'wasm'];
const SEVERITY: Record<LogSeverity, 0 | 1 | 2 | 3 | 4> = { verbose: 0, info: 1, warning: 2, error: 3, fatal: 4 };

// Probes cost a process start and GPU initialisation, and their verdict cannot change while
// this process lives (the dynamic loader reads LD_LIBRARY_PATH once), so one per process.
const probes = new Map<string, Promise<ProbeOutcome>>();

function probe(provider: string, timeoutMs: number): Promise<ProbeOutcome> {
  let p = probes.get(provider);
  if (!p) {
    p = probeInChild(provider, timeoutMs);
    probes.set(provider, p);
  }
  return p;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

class ProviderRefused extends Error {}

export function createNodeRuntime(options: NodeRuntimeOptions = {}): NodeRuntime {
  return new OnnxNodeRuntime(options);
}

/** Shorthand for `createNodeRuntime(options).describeProviders()`. */
export function describeProviders(options: NodeRuntimeOptions = {}): Promise<ProviderStatus[]> {
  return createNodeRuntime(options).describeProviders();
}

class OnnxNodeRuntime implements NodeRuntime {
  readonly name = 'onnxruntime-node' as const;
  readonly #providers: readonly Provider[];
  readonly #severity: 0 | 1 | 2 | 3 | 4;
  readonly #sessionOptions: OrtSessionOptions;
  readonly #cpuFallback: 'allow' | 'forbid';
  readonly #probeTimeoutMs: number;
  /** Providers that failed for machine reasons, with the reason, so later sessions skip them at once. */
  readonly #unavailable = new Map<Provider, string>();

  constructor(o: NodeRuntimeOptions) {
    this.#providers = o.providers?.length ? [...o.providers] : DEFAULT_PROVIDERS;
    this.#severity = SEVERITY[o.logSeverity ?? 'error'];
    if (o.logSeverity) ort.env.logLevel = o.logSeverity;
    this.#sessionOptions = o.sessionOptions ?? {};
    this.#cpuFallback = o.cpuFallback ?? 'allow';
    this.#probeTimeoutMs = o.probeTimeoutMs ?? 30_000;
  }

  async createSession(model: Uint8Array, options: NodeSessionOptions = {}): Promise<NodeRuntimeSession> {
    const label = options.label ?? 'model';
    if (!(model instanceof Uint8Array) || model.byteLength === 0) {
      throw new ModalflowError('RUNTIME_BAD_MODEL', `session "${label}": the model is empty (0 bytes)`);
    }
    const providers = [...new Set(options.providers?.length ? options.providers : this.#providers)];
    const attempts: NodeProviderAttempt[] = [];
    for (const provider of providers) {
      const t0 = performance.now();
      const skip = await this.#unavailableReason(provider);
      if (skip) {
        attempts.push({ provider, ok: false, reason: skip, ms: performance.now() - t0 });
        continue;
      }
      try {
        const made = await this.#create(provider, model, label, options.sessionOptions);
        attempts.push({ provider, ok: true, ms: performance.now() - t0, ...(made.note ? { note: made.note } : {}) });
        return new NodeSession(made.session, provider, attempts, label, made.cpuFallback);
      } catch (e) {
        const msg = messageOf(e);
        if (!(e instanceof ProviderRefused) && isModelError(msg)) {
          throw new ModalflowError('RUNTIME_BAD_MODEL', `session "${label}": onnxruntime cannot load the model: ${msg.trim()}`);
        }
        const reason = e instanceof ProviderRefused ? msg : await this.#explain(provider, msg);
        if (!(e instanceof ProviderRefused) && isEnvironmentalError(msg)) this.#unavailable.set(provider, reason);
        attempts.push({ provider, ok: false, reason, ms: performance.now() - t0 });
      }
    }
    const problems: Problem[] = attempts.map((a) => ({
      code: 'RUNTIME_NO_PROVIDER',
      message: `${a.provider}: ${a.reason}`,
      at: {},
    }));
    const list = attempts.map((a) => `\n  ${a.provider}: ${a.reason}`).join('');
    throw new ModalflowError(
      'RUNTIME_NO_PROVIDER',
      `session "${label}": no execution provider could run the model (tried ${providers.join(', ') || 'none'}):${list || ' no providers were requested'}`,
      {},
      problems.length ? problems : undefined,
    );
  }

  async describeProviders(): Promise<ProviderStatus[]> {
    const out: ProviderStatus[] = [];
    for (const provider of ALL_PROVIDERS) {
      const t0 = performance.now();
      let reason = await this.#unavailableReason(provider);
      if (!reason && provider === 'cuda') {
        // Unlike session creation, a report may spend a child process on initialising CUDA, so
        // "installed" is not mistaken for "works" (no GPU, old driver, missing cuDNN).
        const p = await probe('cuda', this.#probeTimeoutMs);
        if (p.kind !== 'ok') {
          reason =
            p.kind === 'error'
              ? await explainCudaError(`${p.error ?? ''}\n${p.stderr}`)
              : `probing CUDA in a child process failed: ${p.error}`;
          this.#unavailable.set('cuda', reason);
        }
      }
      out.push({ provider, available: !reason, ...(reason ? { reason } : {}), ms: performance.now() - t0 });
    }
    return out;
  }

  async #unavailableReason(provider: Provider): Promise<string | undefined> {
    const fixed = staticReason(provider);
    if (fixed) return fixed;
    const known = this.#unavailable.get(provider);
    if (known) return known;
    let reason: string | undefined;
    switch (provider) {
      case 'cpu':
        return undefined;
      case 'cuda':
        reason = cudaPrecheck();
        break;
      case 'webgpu': {
        reason = webgpuPrecheck();
        if (!reason) {
          const p = await probe('webgpu', this.#probeTimeoutMs);
          if (p.kind !== 'ok') reason = explainWebgpuProbe(p);
        }
        break;
      }
      default:
        reason = `unknown provider "${String(provider)}"; this runtime knows ${ALL_PROVIDERS.join(', ')}`;
    }
    if (reason) this.#unavailable.set(provider, reason);
    return reason;
  }

  async #explain(provider: Provider, msg: string): Promise<string> {
    if (provider === 'cuda') return explainCudaError(msg);
    if (provider === 'webgpu' && /adapter/i.test(msg)) {
      return explainWebgpuProbe({ kind: 'error', error: msg, stderr: '', ms: 0 });
    }
    return `creating a ${provider} session failed: ${firstLine(msg)}`;
  }

  async #create(
    provider: Provider,
    model: Uint8Array,
    label: string,
    perSession: OrtSessionOptions | undefined,
  ): Promise<{ session: ort.InferenceSession; cpuFallback: boolean; note?: string }> {
    const merged: OrtSessionOptions = { ...this.#sessionOptions, ...perSession };
    const base: ort.InferenceSession.SessionOptions = {
      logSeverityLevel: this.#severity,
      logId: label,
      ...merged,
      executionProviders: [provider],
    };
    if (provider === 'cpu' || !compiledBackends().includes(provider)) {
      return { session: await ort.InferenceSession.create(model, base), cpuFallback: false };
    }
    // ORT quietly assigns nodes a GPU provider has no kernel for to its CPU provider, so a
    // "webgpu" session could run mostly on CPU. Asking first with fallback disabled is the only
    // signal the binding offers; it fails during partitioning, before weights reach the GPU,
    // so the retry costs little more than parsing the model again.
    const strict: ort.InferenceSession.SessionOptions = {
      ...base,
      // ORT logs the expected refusal as an error; keep it off stderr.
      logSeverityLevel: 4,
      extra: withSessionConfig(base.extra, { disable_cpu_ep_fallback: '1' }),
    };
    try {
      return { session: await ort.InferenceSession.create(model, strict), cpuFallback: false };
    } catch (e) {
      if (!isCpuFallbackRefusal(messageOf(e))) throw e;
    }
    const why = `some nodes have no ${provider} kernel (int64 arithmetic on WebGPU, for instance) and ORT places them on CPU`;
    if (this.#cpuFallback === 'forbid') throw new ProviderRefused(`${why}; skipped because cpuFallback is 'forbid'`);
    return { session: await ort.InferenceSession.create(model, base), cpuFallback: true, note: why };
  }
}

function withSessionConfig(extra: unknown, entries: Record<string, string>): Record<string, unknown> {
  const e = (extra && typeof extra === 'object' ? extra : {}) as Record<string, unknown>;
  const session = (e.session && typeof e.session === 'object' ? e.session : {}) as Record<string, unknown>;
  return { ...e, session: { ...entries, ...session } };
}

type Meta = ort.InferenceSession.ValueMetadata;

class NodeSession implements NodeRuntimeSession {
  readonly provider: Provider;
  readonly attempts: readonly NodeProviderAttempt[];
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly label: string;
  readonly cpuFallback: boolean;
  #session: ort.InferenceSession | undefined;
  readonly #inputs: ReadonlyMap<string, Meta>;

  constructor(
    session: ort.InferenceSession,
    provider: Provider,
    attempts: NodeProviderAttempt[],
    label: string,
    cpuFallback: boolean,
  ) {
    this.#session = session;
    this.provider = provider;
    this.attempts = attempts;
    this.label = label;
    this.cpuFallback = cpuFallback;
    this.inputNames = [...session.inputNames];
    this.outputNames = [...session.outputNames];
    this.#inputs = new Map(session.inputMetadata.map((m) => [m.name, m]));
  }

  #fail(message: string, port?: string): ModalflowError {
    return new ModalflowError('RUNTIME_RUN_FAILED', `session "${this.label}": ${message}`, port !== undefined ? { port } : {});
  }

  async run(feeds: Record<string, Tensor>, fetches?: readonly string[]): Promise<Record<string, Tensor>> {
    const session = this.#session;
    if (!session) throw this.#fail('the session was released');
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) {
      const meta = this.#inputs.get(name);
      if (!meta) throw this.#fail(`unknown input "${name}"; the model's inputs are ${this.inputNames.join(', ')}`, name);
      const bad = tensorProblem(t) ?? shapeProblem(t, meta);
      if (bad) throw this.#fail(`input "${name}": ${bad}`, name);
      ortFeeds[name] = toOrtTensor(t);
    }
    for (const name of this.inputNames) {
      if (!(name in ortFeeds)) throw this.#fail(`input "${name}" was not fed`, name);
    }
    for (const name of fetches ?? []) {
      if (!this.outputNames.includes(name)) {
        throw this.#fail(`unknown output "${name}"; the model's outputs are ${this.outputNames.join(', ')}`, name);
      }
    }
    let results: ort.InferenceSession.ReturnType;
    try {
      results = fetches ? await session.run(ortFeeds, [...fetches]) : await session.run(ortFeeds);
    } catch (e) {
      const msg = messageOf(e).trim();
      const port = portFromRunError(msg, this.inputNames, this.outputNames);
      const node = nodeFromRunError(msg);
      const where = port ? `${port.kind} "${port.port}": ` : node !== undefined ? `ONNX node "${node}": ` : '';
      throw this.#fail(`${where}${msg} (provider ${this.provider})`, port?.port);
    }
    const out: Record<string, Tensor> = {};
    for (const [name, value] of Object.entries(results)) {
      const t = fromOrtTensor(value);
      if (typeof t === 'string') throw this.#fail(`output "${name}": ${t}`, name);
      out[name] = t;
    }
    return out;
  }

  async release(): Promise<void> {
    const s = this.#session;
    this.#session = undefined;
    await s?.release();
  }
}

function shapeProblem(t: Tensor, meta: Meta): string | undefined {
  if (!meta.isTensor) return undefined;
  if (meta.type !== t.dtype) return `the model expects ${meta.type}, got ${t.dtype}`;
  const want = meta.shape;
  if (want.length !== t.dims.length) {
    return `the model expects rank ${want.length} [${want.join(', ')}], got dims [${t.dims.join(', ')}]`;
  }
  for (let i = 0; i < want.length; i++) {
    const w = want[i];
    if (typeof w === 'number' && w !== t.dims[i]) {
      return `dimension ${i} must be ${w} (model shape [${want.join(', ')}]), got dims [${t.dims.join(', ')}]`;
    }
  }
  return undefined;
}
