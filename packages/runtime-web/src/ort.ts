/// <reference types="vite/client" />
// The JSEP bundle: one module with the WebGPU and WASM execution providers and the Emscripten
// glue inlined, so the only file fetched at run time is the .wasm below.
import * as ort from 'onnxruntime-web';
// Vite copies the binary into the app's assets (or serves it from node_modules in dev), so the
// app needs no copy step and nothing is fetched from a CDN.
import jsepWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import type { LogSeverity } from '@modalflow/runtime-ort';

export { ort };
export type { LogSeverity };

export interface OrtEnvOptions {
  /**
   * WebAssembly threads for the wasm provider. They need SharedArrayBuffer, so more than one
   * only works on a cross-origin-isolated page (COOP/COEP headers); defaults to 1.
   */
  wasmThreads?: number;
  /** Where to fetch ORT's .wasm from, for apps not built with Vite (default: the bundled asset). */
  wasmUrl?: string;
  logSeverity?: LogSeverity;
}

/** ORT's environment is per realm: set once in the worker (or the page, for the inline runtime). */
export function configureOrt(o: OrtEnvOptions): void {
  const base = typeof location === 'undefined' ? undefined : location.href;
  const wasm = o.wasmUrl ?? jsepWasmUrl;
  ort.env.wasm.wasmPaths = { wasm: base ? new URL(wasm, base).href : wasm };
  const isolated = typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated;
  ort.env.wasm.numThreads = isolated ? Math.max(1, o.wasmThreads ?? 1) : 1;
  // Already off the page's thread (the worker) or deliberately on it (inline runtime).
  ort.env.wasm.proxy = false;
  ort.env.logLevel = o.logSeverity ?? 'error';
}
