// What the Node side and the examples page exchange through page.evaluate: JSON-safe values only,
// so int64 travels as decimal strings and every typed array as a plain array.

export interface WireTensor {
  dtype: string;
  dims: number[];
  data: (number | string)[];
}

export interface PlanRequest {
  /** Folder of the served plan: plan.json, one file per model, assets under assets/. */
  base: string;
  inputs: Record<string, WireTensor>;
  provider: 'wasm' | 'webgpu';
}

export interface PlanFailure {
  code: string;
  message: string;
  /** The stage that failed: the one whose session was being created, or the one running. */
  stage?: string;
  phase: 'fetch' | 'load' | 'run';
}

export interface PlanResult {
  outputs?: Record<string, WireTensor>;
  providers?: Record<string, { provider: string; cpuFallback: boolean; skipped: { provider: string; reason?: string }[] }>;
  error?: PlanFailure;
  loadMs: number;
  runMs: number;
}

export interface ExamplesPageApi {
  runPlan(req: PlanRequest): Promise<PlanResult>;
  close(): Promise<void>;
}
