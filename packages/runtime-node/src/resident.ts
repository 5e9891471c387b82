import * as ort from 'onnxruntime-node';
import { ModalflowError, type Tensor } from '@modalflow/core';
import type { ResidentTensor, ResidentValues } from '@modalflow/engine';
import { disposeAll, hostFromResident, residentFromHost } from '@modalflow/runtime-ort';

/** The caller's side of a resident value: shape and type only; the tensor stays in the registry. */
class NodeResident implements ResidentTensor {
  readonly resident = true as const;
  constructor(
    readonly dtype: ResidentTensor['dtype'],
    readonly dims: readonly number[],
  ) {}
}

function unknownValue(where: string): ModalflowError {
  return new ModalflowError('RUNTIME_RUN_FAILED', `${where}: the resident value was released or belongs to another runtime`);
}

/**
 * Resident values of onnxruntime-node: ORT's own output tensors, fed back as they are, so the
 * next run skips wrapping them into core tensors and back. The map is weak so a value the
 * caller drops without releasing is still collected.
 */
export class NodeResidents implements ResidentValues {
  readonly #values = new WeakMap<ResidentTensor, ort.Tensor>();

  /** The ORT tensor behind `v`, or an error saying where it was used. */
  resolve(v: ResidentTensor, where: string): ort.Tensor {
    const t = this.#values.get(v);
    if (!t) throw unknownValue(where);
    return t;
  }

  adopt(t: ort.Tensor): ResidentTensor {
    const v = new NodeResident(t.type as ResidentTensor['dtype'], [...t.dims]);
    this.#values.set(v, t);
    return v;
  }

  adoptAll(kept: Record<string, ort.Tensor>): Record<string, ResidentTensor> {
    const out: Record<string, ResidentTensor> = {};
    for (const [name, t] of Object.entries(kept)) out[name] = this.adopt(t);
    return out;
  }

  async upload(t: Tensor): Promise<ResidentTensor> {
    const made = residentFromHost(ort.Tensor, t);
    if (typeof made === 'string') throw new ModalflowError('RUNTIME_RUN_FAILED', `cannot upload the tensor: ${made}`);
    return this.adopt(made as ort.Tensor);
  }

  async download(v: ResidentTensor): Promise<Tensor> {
    const t = await hostFromResident(ort.Tensor, this.resolve(v, 'download'));
    if (typeof t === 'string') throw new ModalflowError('RUNTIME_RUN_FAILED', `download: ${t}`);
    return t;
  }

  async release(values: readonly ResidentTensor[]): Promise<void> {
    const held: ort.Tensor[] = [];
    for (const v of values) {
      const t = this.#values.get(v);
      if (!t) continue;
      this.#values.delete(v);
      held.push(t);
    }
    disposeAll(held);
  }
}
