import type { CompiledPlan, Plan } from '@modalflow/compiler';
import type { Tensor } from '@modalflow/core';
import { createEngine, HostSteps } from '@modalflow/engine';
import { createRegistry } from '@modalflow/nodes';
import { createWebRuntime, type WebRuntime } from '@modalflow/runtime-web';
import type { ExamplesPageApi, PlanFailure, PlanRequest, PlanResult, WireTensor } from '../examples.browser-wire.ts';

// Host steps (tokenizers, image preprocessing) run in the page, so the page needs the registry;
// the plan itself comes compiled from Node, byte for byte what onnxruntime-node ran.
const hostSteps = HostSteps.fromRegistry(createRegistry());

// One worker per provider for the whole file: each new worker compiles ORT's 28 MB wasm again.
const runtimes = new Map<string, WebRuntime>();
function runtimeFor(provider: PlanRequest['provider']): WebRuntime {
  let rt = runtimes.get(provider);
  if (!rt) runtimes.set(provider, (rt = createWebRuntime({ providers: [provider] })));
  return rt;
}
async function dropRuntime(provider: string): Promise<void> {
  const rt = runtimes.get(provider);
  runtimes.delete(provider);
  await rt?.close().catch(() => undefined);
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

function toTensor(w: WireTensor): Tensor {
  const dims = w.dims;
  switch (w.dtype) {
    case 'string':
      return { dtype: 'string', dims, data: w.data.map(String) };
    case 'int64':
      return { dtype: 'int64', dims, data: BigInt64Array.from(w.data, (v) => BigInt(v)) };
    case 'int32':
      return { dtype: 'int32', dims, data: Int32Array.from(w.data as number[]) };
    case 'int8':
      return { dtype: 'int8', dims, data: Int8Array.from(w.data as number[]) };
    case 'uint8':
    case 'bool':
      return { dtype: w.dtype, dims, data: Uint8Array.from(w.data as number[]) };
    case 'float16':
      return { dtype: 'float16', dims, data: Uint16Array.from(w.data as number[]) };
    default:
      return { dtype: 'float32', dims, data: Float32Array.from(w.data as number[]) };
  }
}

function toWire(t: Tensor): WireTensor {
  const data = t.data instanceof BigInt64Array ? Array.from(t.data, String) : Array.from(t.data as ArrayLike<number | string>);
  return { dtype: t.dtype, dims: [...t.dims], data };
}

function failure(e: unknown, phase: PlanFailure['phase'], stage?: string): PlanFailure {
  const err = e as { code?: string; message?: string };
  return { code: String(err?.code ?? 'ERROR'), message: String(err?.message ?? e), phase, ...(stage ? { stage } : {}) };
}

async function runPlan(req: PlanRequest): Promise<PlanResult> {
  let compiled: CompiledPlan;
  try {
    const plan = JSON.parse(new TextDecoder().decode(await fetchBytes(`${req.base}plan.json`))) as Plan;
    const models: Record<string, Uint8Array> = {};
    const assets: Record<string, Uint8Array> = {};
    for (const s of plan.stages) {
      // A decoding loop also has the model that computes cross-attention keys and values once per sequence.
      if (s.kind === 'generate' && s.cross) models[s.cross.model] = await fetchBytes(`${req.base}${encodeURIComponent(s.cross.model)}`);
      if (s.kind !== 'host') models[s.model] = await fetchBytes(`${req.base}${encodeURIComponent(s.model)}`);
      else for (const a of s.assets) assets[a] ??= await fetchBytes(`${req.base}assets/${encodeURIComponent(a)}`);
    }
    compiled = { plan, models, assets };
  } catch (e) {
    return { error: failure(e, 'fetch'), loadMs: 0, runMs: 0 };
  }

  const rt = runtimeFor(req.provider);
  const engine = createEngine(rt, { hostSteps });
  const loaded: string[] = [];
  const t0 = performance.now();
  let program;
  try {
    program = await engine.load(compiled, { providers: [req.provider], onEvent: (e) => loaded.push(e.stage) });
  } catch (e) {
    // Sessions are created in plan order, so a runtime error belongs to the first stage without one;
    // the engine's own errors (a missing host step) name their node instead.
    const code = String((e as { code?: string }).code ?? '');
    const stage = code.startsWith('RUNTIME_') ? compiled.plan.stages.find((s) => s.kind === 'onnx' && !loaded.includes(s.id))?.id : undefined;
    if ((e as { code?: string }).code === 'RUNTIME_WORKER_FAILED') await dropRuntime(req.provider);
    return { error: failure(e, 'load', stage), loadMs: performance.now() - t0, runMs: 0 };
  }
  const loadMs = performance.now() - t0;
  let failed: string | undefined;
  const t1 = performance.now();
  try {
    const inputs = Object.fromEntries(Object.entries(req.inputs).map(([k, v]) => [k, toTensor(v)]));
    const r = await program.run(inputs, { cache: false, onEvent: (e) => void (e.type === 'stage-failed' && (failed = e.stage)) });
    const runMs = performance.now() - t1;
    const outputs = Object.fromEntries(Object.entries(r.outputs).map(([k, t]) => [k, toWire(t)]));
    const providers = Object.fromEntries(
      Object.entries(program.providers).map(([k, p]) => [k, { provider: p.provider, cpuFallback: p.cpuFallback, skipped: p.skipped }]),
    );
    return { outputs, providers, loadMs, runMs };
  } catch (e) {
    if ((e as { code?: string }).code === 'RUNTIME_WORKER_FAILED') await dropRuntime(req.provider);
    return { error: failure(e, 'run', failed), loadMs, runMs: performance.now() - t1 };
  } finally {
    await program.release().catch(() => undefined);
  }
}

const api: ExamplesPageApi = {
  runPlan,
  async close() {
    for (const p of [...runtimes.keys()]) await dropRuntime(p);
  },
};

(globalThis as unknown as { examples: ExamplesPageApi }).examples = api;
document.title = 'ready';
