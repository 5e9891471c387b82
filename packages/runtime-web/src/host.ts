import { ModalflowError, type Tensor, type TensorData } from '@modalflow/core';
import type { Provider } from '@modalflow/engine';
import {
  checkKeep,
  createWatchingCpuFallback,
  disposeAll,
  hostFromResident,
  messageOf,
  nodeFromRunError,
  openOnFirstProvider,
  portFromRunError,
  residentFromHost,
  runFailed,
  sessionPorts,
  SEVERITY,
  splitResults,
  toOrtFeeds,
  type OrtErrorDialect,
  type SessionPorts,
} from '@modalflow/runtime-ort';
import { configureOrt, ort } from './ort.ts';
import { DEFAULT_PROVIDERS } from './defaults.ts';
import { firstLine, isEnvironmentalError, isModelError, ortMessage } from './ort-errors.ts';
import type { OrtSessionOptions } from './types.ts';
import { checkWebGpu, type WebGpuCheck } from './webgpu.ts';
import { toWire, type CreateRequest, type HostApi, type HostConfig, type ProviderStatus, type Reply, type ResidentInfo, type RunReply, type SessionInfo } from './wire.ts';

const ALL_PROVIDERS: readonly Provider[] = ['webgpu', 'wasm', 'cpu', 'cuda'];
const ERRORS: OrtErrorDialect = { isModelError, isEnvironmentalError, clean: ortMessage };

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
  ports: SessionPorts;
}

/**
 * Owns the ORT sessions: runs in the worker behind comlink, or in the page for the inline
 * runtime. Every answer is plain data so it can cross postMessage unchanged.
 */
export class OrtHost implements HostApi {
  #config: HostConfig = { providers: [...DEFAULT_PROVIDERS] };
  readonly #sessions = new Map<number, Entry>();
  #next = 1;
  /** Values kept between runs (ORT tensors, GPU buffers on WebGPU); the page holds only their ids. */
  readonly #resident = new Map<number, ort.Tensor>();
  #nextRef = 1;
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
    return openOnFirstProvider(model, {
      label,
      providers: request.providers.length ? request.providers : this.#config.providers,
      skipReason: (provider) => this.#unavailableReason(provider),
      open: (provider) => this.#open(provider, model, label, request.sessionOptions, request.keepOutputs),
      accept: ({ session, cpuFallback }, provider, attempts) => {
        const id = this.#next++;
        this.#sessions.set(id, { session, label, provider, ports: sessionPorts(session) });
        return {
          id,
          provider,
          attempts,
          inputNames: [...session.inputNames],
          outputNames: [...session.outputNames],
          cpuFallback,
        };
      },
      explain: (provider, msg) => `creating a ${provider} session failed: ${firstLine(ortMessage(msg))}`,
      errors: ERRORS,
      unavailable: this.#unavailable,
    });
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
    keepOutputs: string[] | undefined,
  ): Promise<{ session: ort.InferenceSession; cpuFallback: boolean; note?: string }> {
    const base: ort.InferenceSession.SessionOptions = {
      logSeverityLevel: SEVERITY[this.#config.logSeverity ?? 'error'],
      logId: label,
      ...this.#config.sessionOptions,
      ...perSession,
      executionProviders: [provider],
    };
    // Kept outputs stay where WebGPU computed them, as GPU buffers the next run reads in place.
    // The wasm provider computes in the host's heap already, so there is nothing to ask for.
    if (provider === 'webgpu' && keepOutputs?.length) {
      base.preferredOutputLocation = Object.fromEntries(keepOutputs.map((name) => [name, 'gpu-buffer' as const]));
    }
    if (provider === 'wasm') return { session: await ort.InferenceSession.create(model, base), cpuFallback: false };
    return createWatchingCpuFallback((o) => ort.InferenceSession.create(model, o), base, {
      note: `ORT placed some nodes on its wasm CPU provider (no ${provider} kernel for them in this build); logSeverity: 'verbose' makes ORT list them`,
      forbid: this.#config.cpuFallback === 'forbid',
    });
  }

  async run(
    id: number,
    feeds: Record<string, Tensor>,
    fetches: string[] | undefined,
    moved: string[],
    held: Record<string, number> = {},
    keep: string[] = [],
  ): Promise<RunReply> {
    const returned: Record<string, TensorData> = {};
    for (const name of moved) {
      const t = feeds[name];
      if (t) returned[name] = t.data;
    }
    try {
      const { outputs, kept } = await this.#serial(() => this.#run(id, feeds, fetches, held, keep));
      return { outputs, ...(keep.length ? { kept } : {}), returned };
    } catch (e) {
      return { returned, error: toWire(e) };
    }
  }

  async #run(
    id: number,
    feeds: Record<string, Tensor>,
    fetches: string[] | undefined,
    held: Record<string, number>,
    keep: string[],
  ): Promise<{ outputs: Record<string, Tensor>; kept: Record<string, ResidentInfo> }> {
    const entry = this.#sessions.get(id);
    if (!entry) throw new ModalflowError('RUNTIME_RUN_FAILED', 'the session was released');
    const { session, label, provider } = entry;
    const resident: Record<string, ort.Tensor> = {};
    for (const [name, ref] of Object.entries(held)) {
      const t = this.#resident.get(ref);
      if (!t) throw runFailed(label, `input "${name}": the resident value was released`, name);
      resident[name] = t;
    }
    checkKeep(entry.ports, label, keep, fetches);
    const ortFeeds = toOrtFeeds(ort.Tensor, entry.ports, label, feeds, fetches, { untrusted: true }, resident);
    let results: ort.InferenceSession.ReturnType;
    try {
      results = fetches ? await session.run(ortFeeds, fetches) : await session.run(ortFeeds);
    } catch (e) {
      const msg = ortMessage(messageOf(e));
      const port = portFromRunError(msg, entry.ports.inputNames, entry.ports.outputNames)?.port;
      const node = nodeFromRunError(msg);
      const where = port !== undefined ? `port "${port}": ` : node !== undefined ? `ONNX node "${node}": ` : '';
      throw runFailed(label, `${where}${msg} (provider ${provider})`, port);
    }
    const { outputs, kept } = await splitResults(ort.Tensor, label, results, keep);
    const infos: Record<string, ResidentInfo> = {};
    for (const [name, t] of Object.entries(kept)) infos[name] = this.#keep(t);
    return { outputs, kept: infos };
  }

  #keep(t: ort.Tensor): ResidentInfo {
    const ref = this.#nextRef++;
    this.#resident.set(ref, t);
    return { ref, dtype: t.type as ResidentInfo['dtype'], dims: [...t.dims], location: t.location };
  }

  async upload(t: Tensor): Promise<Reply<ResidentInfo>> {
    const made = residentFromHost(ort.Tensor, t);
    if (typeof made === 'string') return { ok: false, error: toWire(new ModalflowError('RUNTIME_RUN_FAILED', `cannot upload the tensor: ${made}`)) };
    return { ok: true, value: this.#keep(made) };
  }

  async download(ref: number): Promise<Reply<Tensor>> {
    try {
      const t = this.#resident.get(ref);
      if (!t) throw new ModalflowError('RUNTIME_RUN_FAILED', 'download: the resident value was released');
      // Reading a GPU buffer goes through ORT's WebGPU backend, which must not interleave with a run.
      const host = await this.#serial(() => hostFromResident(ort.Tensor, t));
      if (typeof host === 'string') throw new ModalflowError('RUNTIME_RUN_FAILED', `download: ${host}`);
      return { ok: true, value: host };
    } catch (e) {
      return { ok: false, error: toWire(e) };
    }
  }

  async releaseResident(refs: number[]): Promise<void> {
    const values: ort.Tensor[] = [];
    for (const ref of refs) {
      const t = this.#resident.get(ref);
      if (!t) continue;
      this.#resident.delete(ref);
      values.push(t);
    }
    if (values.length) await this.#serial(async () => disposeAll(values));
  }

  async release(id: number): Promise<void> {
    const entry = this.#sessions.get(id);
    this.#sessions.delete(id);
    if (entry) await this.#serial(() => entry.session.release());
  }

  async releaseAll(): Promise<void> {
    await this.releaseResident([...this.#resident.keys()]);
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
