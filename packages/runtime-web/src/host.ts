import { ModalflowError, type Problem, type Tensor, type TensorData } from '@modalflow/core';
import type { Provider } from '@modalflow/engine';
import { configureOrt, ort } from './ort.ts';
import { DEFAULT_PROVIDERS } from './defaults.ts';
import {
  firstLine,
  isCpuFallbackRefusal,
  isEnvironmentalError,
  isModelError,
  messageOf,
  nodeFromRunError,
  ortMessage,
  portFromRunError,
} from './ort-errors.ts';
import { fromOrtTensor, shapeProblem, tensorProblem, toOrtTensor } from './tensors.ts';
import type { OrtSessionOptions, WebProviderAttempt } from './types.ts';
import { checkWebGpu, type WebGpuCheck } from './webgpu.ts';
import { toWire, type CreateRequest, type HostApi, type HostConfig, type ProviderStatus, type Reply, type RunReply, type SessionInfo } from './wire.ts';

const ALL_PROVIDERS: readonly Provider[] = ['webgpu', 'wasm', 'cpu', 'cuda'];
const SEVERITY = { verbose: 0, info: 1, warning: 2, error: 3, fatal: 4 } as const;

/** Providers that cannot exist in a browser, whatever the machine. */
function staticReason(provider: Provider): string | undefined {
  switch (provider) {
    case 'webgpu':
    case 'wasm':
      return undefined;
    case 'cpu':
      return "'cpu' is onnxruntime-node's provider; in the browser ORT's CPU kernels run as 'wasm'";
    case 'cuda':
      return 'CUDA is not reachable from a browser; use webgpu';
    default:
      return `unknown provider "${String(provider)}"; this runtime knows webgpu and wasm`;
  }
}

class ProviderRefused extends Error {}

/**
 * ORT's calls into its wasm instance, one per realm, must not overlap: a run entering while
 * another awaits the GPU fails with "Session already started" and can break the instance, so
 * every host in this realm (two inline runtimes on one page, say) takes turns.
 */
let queue: Promise<unknown> = Promise.resolve();

interface Entry {
  session: ort.InferenceSession;
  label: string;
  provider: Provider;
  inputs: ReadonlyMap<string, ort.InferenceSession.ValueMetadata>;
}

/**
 * Owns the ORT sessions: runs in the worker behind comlink, or in the page for the inline
 * runtime. Every answer is plain data so it can cross postMessage unchanged.
 */
export class OrtHost implements HostApi {
  #config: HostConfig = { providers: [...DEFAULT_PROVIDERS] };
  readonly #sessions = new Map<number, Entry>();
  #next = 1;
  /** Providers that failed for browser reasons, so later sessions skip them at once. */
  readonly #unavailable = new Map<Provider, string>();
  #webgpu: Promise<WebGpuCheck> | undefined;

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const result = queue.then(task);
    queue = result.catch(() => undefined);
    return result;
  }

  configure(config: HostConfig): void {
    this.#config = config;
    configureOrt(config);
  }

  async createSession(model: Uint8Array, request: CreateRequest): Promise<Reply<SessionInfo>> {
    try {
      return { ok: true, value: await this.#serial(() => this.#createSession(model, request)) };
    } catch (e) {
      return { ok: false, error: toWire(e) };
    }
  }

  async #createSession(model: Uint8Array, request: CreateRequest): Promise<SessionInfo> {
    const { label } = request;
    if (!(model instanceof Uint8Array) || model.byteLength === 0) {
      throw new ModalflowError('RUNTIME_BAD_MODEL', `session "${label}": the model is empty (0 bytes)`);
    }
    const providers = [...new Set(request.providers.length ? request.providers : this.#config.providers)];
    const attempts: WebProviderAttempt[] = [];
    for (const provider of providers) {
      const t0 = performance.now();
      const skip = await this.#unavailableReason(provider);
      if (skip) {
        attempts.push({ provider, ok: false, reason: skip, ms: performance.now() - t0 });
        continue;
      }
      try {
        const made = await this.#open(provider, model, label, request.sessionOptions);
        attempts.push({ provider, ok: true, ms: performance.now() - t0, ...(made.note ? { note: made.note } : {}) });
        const id = this.#next++;
        const { session } = made;
        this.#sessions.set(id, { session, label, provider, inputs: new Map(session.inputMetadata.map((m) => [m.name, m])) });
        return {
          id,
          provider,
          attempts,
          inputNames: [...session.inputNames],
          outputNames: [...session.outputNames],
          cpuFallback: made.cpuFallback,
        };
      } catch (e) {
        const msg = messageOf(e);
        if (!(e instanceof ProviderRefused) && isModelError(msg)) {
          throw new ModalflowError('RUNTIME_BAD_MODEL', `session "${label}": onnxruntime cannot load the model: ${ortMessage(msg)}`);
        }
        const reason = e instanceof ProviderRefused ? msg : `creating a ${provider} session failed: ${firstLine(ortMessage(msg))}`;
        if (!(e instanceof ProviderRefused) && isEnvironmentalError(msg)) this.#unavailable.set(provider, reason);
        attempts.push({ provider, ok: false, reason, ms: performance.now() - t0 });
      }
    }
    const problems: Problem[] = attempts.map((a) => ({ code: 'RUNTIME_NO_PROVIDER', message: `${a.provider}: ${a.reason}`, at: {} }));
    const list = attempts.map((a) => `\n  ${a.provider}: ${a.reason}`).join('');
    throw new ModalflowError(
      'RUNTIME_NO_PROVIDER',
      `session "${label}": no execution provider could run the model (tried ${providers.join(', ') || 'none'}):${list || ' no providers were requested'}`,
      {},
      problems.length ? problems : undefined,
    );
  }

  #checkWebGpu(): Promise<WebGpuCheck> {
    this.#webgpu ??= checkWebGpu(this.#config.powerPreference);
    return this.#webgpu;
  }

  async #unavailableReason(provider: Provider): Promise<string | undefined> {
    const fixed = staticReason(provider);
    if (fixed) return fixed;
    const known = this.#unavailable.get(provider);
    if (known) return known;
    if (provider !== 'webgpu') return undefined;
    const { reason } = await this.#checkWebGpu();
    if (reason) this.#unavailable.set(provider, reason);
    return reason;
  }

  async #open(
    provider: Provider,
    model: Uint8Array,
    label: string,
    perSession: OrtSessionOptions | undefined,
  ): Promise<{ session: ort.InferenceSession; cpuFallback: boolean; note?: string }> {
    const base: ort.InferenceSession.SessionOptions = {
      logSeverityLevel: SEVERITY[this.#config.logSeverity ?? 'error'],
      logId: label,
      ...this.#config.sessionOptions,
      ...perSession,
      executionProviders: [provider],
    };
    if (provider === 'wasm') return { session: await ort.InferenceSession.create(model, base), cpuFallback: false };
    // ORT quietly gives nodes WebGPU has no kernel for to its CPU provider, so a "webgpu"
    // session could run mostly on wasm. Creating with fallback disabled is the only signal it
    // offers; the refusal comes at partitioning, before weights reach the GPU.
    const strict: ort.InferenceSession.SessionOptions = {
      ...base,
      // ORT logs the expected refusal as an error; keep it off the console.
      logSeverityLevel: 4,
      extra: withSessionConfig(base.extra, { disable_cpu_ep_fallback: '1' }),
    };
    try {
      return { session: await ort.InferenceSession.create(model, strict), cpuFallback: false };
    } catch (e) {
      if (!isCpuFallbackRefusal(messageOf(e))) throw e;
    }
    const why = `ORT placed some nodes on its wasm CPU provider (no ${provider} kernel for them in this build); logSeverity: 'verbose' makes ORT list them`;
    if (this.#config.cpuFallback === 'forbid') throw new ProviderRefused(`${why}; skipped because cpuFallback is 'forbid'`);
    return { session: await ort.InferenceSession.create(model, base), cpuFallback: true, note: why };
  }

  async run(id: number, feeds: Record<string, Tensor>, fetches: string[] | undefined, moved: string[]): Promise<RunReply> {
    const returned: Record<string, TensorData> = {};
    for (const name of moved) {
      const t = feeds[name];
      if (t) returned[name] = t.data;
    }
    try {
      return { outputs: await this.#serial(() => this.#run(id, feeds, fetches)), returned };
    } catch (e) {
      return { returned, error: toWire(e) };
    }
  }

  async #run(id: number, feeds: Record<string, Tensor>, fetches: string[] | undefined): Promise<Record<string, Tensor>> {
    const entry = this.#sessions.get(id);
    if (!entry) throw new ModalflowError('RUNTIME_RUN_FAILED', 'the session was released');
    const { session, label, provider } = entry;
    const fail = (message: string, port?: string) =>
      new ModalflowError('RUNTIME_RUN_FAILED', `session "${label}": ${message}`, port !== undefined ? { port } : {});
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) {
      const meta = entry.inputs.get(name);
      if (!meta) throw fail(`unknown input "${name}"; the model's inputs are ${session.inputNames.join(', ')}`, name);
      const bad = tensorProblem(t) ?? shapeProblem(t, meta);
      if (bad) throw fail(`input "${name}": ${bad}`, name);
      ortFeeds[name] = toOrtTensor(ort.Tensor, t);
    }
    for (const name of session.inputNames) {
      if (!(name in ortFeeds)) throw fail(`input "${name}" was not fed`, name);
    }
    for (const name of fetches ?? []) {
      if (!session.outputNames.includes(name)) {
        throw fail(`unknown output "${name}"; the model's outputs are ${session.outputNames.join(', ')}`, name);
      }
    }
    let results: ort.InferenceSession.ReturnType;
    try {
      results = fetches ? await session.run(ortFeeds, fetches) : await session.run(ortFeeds);
    } catch (e) {
      const msg = ortMessage(messageOf(e));
      const port = portFromRunError(msg);
      const node = nodeFromRunError(msg);
      const where = port !== undefined ? `port "${port}": ` : node !== undefined ? `ONNX node "${node}": ` : '';
      throw fail(`${where}${msg} (provider ${provider})`, port);
    }
    const out: Record<string, Tensor> = {};
    for (const [name, value] of Object.entries(results)) {
      const t = fromOrtTensor(value);
      if (typeof t === 'string') throw fail(`output "${name}": ${t}`, name);
      out[name] = t;
    }
    return out;
  }

  async release(id: number): Promise<void> {
    const entry = this.#sessions.get(id);
    this.#sessions.delete(id);
    if (entry) await this.#serial(() => entry.session.release());
  }

  async releaseAll(): Promise<void> {
    const ids = [...this.#sessions.keys()];
    await Promise.all(ids.map((id) => this.release(id)));
  }

  async describeProviders(): Promise<ProviderStatus[]> {
    const out: ProviderStatus[] = [];
    for (const provider of ALL_PROVIDERS) {
      const t0 = performance.now();
      const reason = await this.#unavailableReason(provider);
      const adapter = provider === 'webgpu' && !reason ? (await this.#checkWebGpu()).adapter : undefined;
      out.push({ provider, available: !reason, ...(reason ? { reason } : {}), ...(adapter ? { adapter } : {}), ms: performance.now() - t0 });
    }
    return out;
  }
}

function withSessionConfig(extra: unknown, entries: Record<string, string>): Record<string, unknown> {
  const e = (extra && typeof extra === 'object' ? extra : {}) as Record<string, unknown>;
  const session = (e.session && typeof e.session === 'object' ? e.session : {}) as Record<string, unknown>;
  return { ...e, session: { ...entries, ...session } };
}
