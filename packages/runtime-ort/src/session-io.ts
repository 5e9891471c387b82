import { ModalflowError, type Tensor } from '@modalflow/core';
import type { InferenceSession, Tensor as OrtTensor, TensorConstructor } from 'onnxruntime-common';
import { fromOrtTensor, isCoreDType, shapeProblem, tensorProblem, toOrtTensor, type TensorChecks } from './tensors.ts';

/** What a run is checked against: the session's names and its declared input types and shapes. */
export interface SessionPorts {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputs: ReadonlyMap<string, InferenceSession.ValueMetadata>;
}

export function sessionPorts(session: InferenceSession): SessionPorts {
  return {
    inputNames: [...session.inputNames],
    outputNames: [...session.outputNames],
    inputs: new Map(session.inputMetadata.map((m) => [m.name, m])),
  };
}

export function runFailed(label: string, message: string, port?: string): ModalflowError {
  return new ModalflowError('RUNTIME_RUN_FAILED', `session "${label}": ${message}`, port !== undefined ? { port } : {});
}

/**
 * Checks feeds and fetches against the session before ORT sees them, so every mistake is
 * reported against its port rather than as ORT's generic message, then wraps the feeds for ORT
 * without copying their data.
 */
export function toOrtFeeds(
  Ctor: TensorConstructor,
  ports: SessionPorts,
  label: string,
  feeds: Record<string, Tensor>,
  fetches: readonly string[] | undefined,
  checks: TensorChecks = {},
  resident: Record<string, OrtTensor> = {},
): Record<string, OrtTensor> {
  const out: Record<string, OrtTensor> = {};
  // Values the runtime already holds go to ORT as they are: that is the point of keeping them.
  for (const [name, t] of Object.entries(resident)) {
    const meta = ports.inputs.get(name);
    if (!meta) throw runFailed(label, `unknown input "${name}"; the model's inputs are ${ports.inputNames.join(', ')}`, name);
    const bad = isCoreDType(t.type) ? shapeProblem({ dtype: t.type, dims: t.dims }, meta) : `element type ${t.type} has no ModalFlow dtype`;
    if (bad) throw runFailed(label, `input "${name}" (resident): ${bad}`, name);
    out[name] = t;
  }
  for (const [name, t] of Object.entries(feeds)) {
    const meta = ports.inputs.get(name);
    if (!meta) throw runFailed(label, `unknown input "${name}"; the model's inputs are ${ports.inputNames.join(', ')}`, name);
    const bad = tensorProblem(t, checks) ?? shapeProblem(t, meta);
    if (bad) throw runFailed(label, `input "${name}": ${bad}`, name);
    out[name] = toOrtTensor(Ctor, t);
  }
  for (const name of ports.inputNames) {
    if (!(name in out)) throw runFailed(label, `input "${name}" was not fed`, name);
  }
  for (const name of fetches ?? []) {
    if (!ports.outputNames.includes(name)) {
      throw runFailed(label, `unknown output "${name}"; the model's outputs are ${ports.outputNames.join(', ')}`, name);
    }
  }
  return out;
}

/** Checks the outputs a run is asked to keep resident against the session and the fetches. */
export function checkKeep(ports: SessionPorts, label: string, keep: readonly string[], fetches: readonly string[] | undefined): void {
  for (const name of keep) {
    if (!ports.outputNames.includes(name)) {
      throw runFailed(label, `cannot keep unknown output "${name}"; the model's outputs are ${ports.outputNames.join(', ')}`, name);
    }
    if (fetches && !fetches.includes(name)) throw runFailed(label, `output "${name}" is to be kept but is not among the fetches`, name);
  }
}

/** Disposes ORT values, GPU buffers included; one that fails to dispose does not stop the rest. */
export function disposeAll(values: Iterable<OrtTensor>): void {
  for (const v of values) {
    try {
      v.dispose();
    } catch {
      // Already released with its session; nothing left to free.
    }
  }
}

/**
 * Splits a run's results into the values kept in the runtime and host tensors for the rest.
 * An output that lives on the GPU but was not asked to stay (the session places it there for
 * runs that keep it) is read back and its buffer freed. On failure every result is disposed,
 * so a failed run leaves nothing behind.
 */
export async function splitResults(
  Ctor: TensorConstructor,
  label: string,
  results: InferenceSession.ReturnType,
  keep: readonly string[],
): Promise<{ outputs: Record<string, Tensor>; kept: Record<string, OrtTensor> }> {
  const outputs: Record<string, Tensor> = {};
  const kept: Record<string, OrtTensor> = {};
  try {
    for (const [name, value] of Object.entries(results)) {
      if (keep.includes(name)) {
        kept[name] = value;
        continue;
      }
      let host = value;
      if (value.location === 'gpu-buffer' || value.location === 'texture' || value.location === 'ml-tensor') {
        host = new Ctor(value.type as never, (await value.getData(true)) as never, value.dims);
      }
      const t = fromOrtTensor(host);
      if (typeof t === 'string') throw runFailed(label, `output "${name}": ${t}`, name);
      outputs[name] = t;
    }
  } catch (e) {
    disposeAll(Object.values(results));
    throw e;
  }
  return { outputs, kept };
}

/** ORT's results as core tensors, or an error naming the first output core cannot carry. */
export function fromOrtResults(label: string, results: InferenceSession.ReturnType): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, value] of Object.entries(results)) {
    const t = fromOrtTensor(value);
    if (typeof t === 'string') throw runFailed(label, `output "${name}": ${t}`, name);
    out[name] = t;
  }
  return out;
}
