import * as ort from 'onnxruntime-node';
import type { Tensor } from '@modalflow/core';
import { isResident, type Feed, type Provider, type ProviderAttempt, type ResidentRun, type Runtime, type RuntimeSession, type SessionOptions } from '@modalflow/engine';
import {
  checkKeep,
  createWatchingCpuFallback,
  fromOrtResults,
  messageOf,
  nodeFromRunError,
  openOnFirstProvider,
  runFailed,
  sessionPorts,
  SEVERITY,
  splitResults,
  toOrtFeeds,
  type LogSeverity,
  type OrtErrorDialect,
  type OrtSessionOptions,
  type SessionPorts,
} from '@modalflow/runtime-ort';
import { isEnvironmentalError, isModelError, portFromRunError } from './ort-errors.ts';
import { probeInChild, type ProbeOutcome } from './probe.ts';
import { NodeResidents } from './resident.ts';
import {
  compiledBackends,
  cudaPrecheck,
  explainCudaError,
  explainWebgpuProbe,
  firstLine,
  staticReason,
  webgpuPrecheck,
} from './providers.ts';

export type { LogSeverity, OrtSessionOptions };

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
  /** Resident values are the ORT tensors themselves, kept in this process. */
  readonly resident: NodeResidents;
  createSession(model: Uint8Array, options?: NodeSessionOptions): Promise<NodeRuntimeSession>;
  /** Which providers work on this machine and why the others do not; for `modalflow doctor`-style output. */
  describeProviders(): Promise<ProviderStatus[]>;
}

export const DEFAULT_PROVIDERS: readonly Provider[] = ['cuda', 'webgpu', 'cpu'];
const ALL_PROVIDERS: readonly Provider[] = ['cuda', 'webgpu', 'cpu', 'wasm'];
const ERRORS: OrtErrorDialect = { isModelError, isEnvironmentalError, clean: (m) => m.trim() };

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
  readonly resident = new NodeResidents();
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
    return openOnFirstProvider(model, {
      label,
      providers: options.providers?.length ? options.providers : this.#providers,
      skipReason: (provider) => this.#unavailableReason(provider),
      open: (provider) => this.#create(provider, model, label, options.sessionOptions),
      accept: (made, provider, attempts) => new NodeSession(made.session, provider, attempts, label, made.cpuFallback, this.resident),
      explain: (provider, msg) => this.#explain(provider, msg),
      errors: ERRORS,
      unavailable: this.#unavailable,
    });
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
    return createWatchingCpuFallback((o) => ort.InferenceSession.create(model, o), base, {
      note: `some nodes have no ${provider} kernel (int64 arithmetic on WebGPU, for instance) and ORT places them on CPU`,
      forbid: this.#cpuFallback === 'forbid',
    });
  }
}

class NodeSession implements NodeRuntimeSession {
  readonly provider: Provider;
  readonly attempts: readonly NodeProviderAttempt[];
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly label: string;
  readonly cpuFallback: boolean;
  #session: ort.InferenceSession | undefined;
  readonly #ports: SessionPorts;
  readonly #residents: NodeResidents;

  constructor(
    session: ort.InferenceSession,
    provider: Provider,
    attempts: NodeProviderAttempt[],
    label: string,
    cpuFallback: boolean,
    residents: NodeResidents,
  ) {
    this.#session = session;
    this.#residents = residents;
    this.provider = provider;
    this.attempts = attempts;
    this.label = label;
    this.cpuFallback = cpuFallback;
    this.#ports = sessionPorts(session);
    this.inputNames = this.#ports.inputNames;
    this.outputNames = this.#ports.outputNames;
  }

  async run(feeds: Record<string, Tensor>, fetches?: readonly string[]): Promise<Record<string, Tensor>> {
    const session = this.#session;
    if (!session) throw runFailed(this.label, 'the session was released');
    const ortFeeds = toOrtFeeds(ort.Tensor, this.#ports, this.label, feeds, fetches);
    return fromOrtResults(this.label, await this.#ortRun(session, ortFeeds, fetches));
  }

  async runResident(feeds: Record<string, Feed>, keep: readonly string[], fetches?: readonly string[]): Promise<ResidentRun> {
    const session = this.#session;
    if (!session) throw runFailed(this.label, 'the session was released');
    const host: Record<string, Tensor> = {};
    const held: Record<string, ort.Tensor> = {};
    for (const [name, f] of Object.entries(feeds)) {
      if (isResident(f)) held[name] = this.#residents.resolve(f, `session "${this.label}": input "${name}"`);
      else host[name] = f;
    }
    checkKeep(this.#ports, this.label, keep, fetches);
    const ortFeeds = toOrtFeeds(ort.Tensor, this.#ports, this.label, host, fetches, {}, held);
    const { outputs, kept } = await splitResults(ort.Tensor, this.label, await this.#ortRun(session, ortFeeds, fetches), keep);
    return { outputs, kept: this.#residents.adoptAll(kept) };
  }

  async #ortRun(session: ort.InferenceSession, ortFeeds: Record<string, ort.Tensor>, fetches: readonly string[] | undefined): Promise<ort.InferenceSession.ReturnType> {
    let results: ort.InferenceSession.ReturnType;
    try {
      results = fetches ? await session.run(ortFeeds, [...fetches]) : await session.run(ortFeeds);
    } catch (e) {
      const msg = messageOf(e).trim();
      const port = portFromRunError(msg, this.inputNames, this.outputNames);
      const node = nodeFromRunError(msg);
      const where = port ? `${port.kind} "${port.port}": ` : node !== undefined ? `ONNX node "${node}": ` : '';
      throw runFailed(this.label, `${where}${msg} (provider ${this.provider})`, port?.port);
    }
    return results;
  }

  async release(): Promise<void> {
    const s = this.#session;
    this.#session = undefined;
    await s?.release();
  }
}
