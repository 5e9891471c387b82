import { ModalflowError, type Tensor } from '@modalflow/core';
import type { InferenceSession, Tensor as OrtTensor, TensorConstructor } from 'onnxruntime-common';
import { fromOrtTensor, shapeProblem, tensorProblem, toOrtTensor, type TensorChecks } from './tensors.ts';

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
): Record<string, OrtTensor> {
  const out: Record<string, OrtTensor> = {};
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
