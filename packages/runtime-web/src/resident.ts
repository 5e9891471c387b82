import { ModalflowError, type Tensor } from '@modalflow/core';
import type { ResidentTensor, ResidentValues } from '@modalflow/engine';
import type { Link } from './link.ts';
import type { ResidentInfo } from './wire.ts';

/** The page's side of a value the host keeps: its type, shape and place, never its data. */
export class WebResident implements ResidentTensor {
  readonly resident = true as const;
  constructor(
    readonly dtype: ResidentTensor['dtype'],
    readonly dims: readonly number[],
    /** Where ORT holds it: 'gpu-buffer' for WebGPU outputs, otherwise 'cpu' (the host's heap). */
    readonly location: string,
  ) {}
}

/**
 * Resident values of onnxruntime-web. The ORT tensors live in the host (the worker, or this
 * realm for the inline runtime); the page maps its handles to the host's ids, so runs send ids
 * and nothing else for them.
 */
export class WebResidents implements ResidentValues {
  readonly #refs = new WeakMap<ResidentTensor, number>();
  readonly #link: Link;
  // A handle dropped without release would pin a GPU buffer in the host for good.
  readonly #orphans = new FinalizationRegistry<number>((ref) => {
    void this.#link.releaseResident([ref]).catch(() => undefined);
  });

  constructor(link: Link) {
    this.#link = link;
  }

  /** The host's id for `v`, or an error saying where it was used. */
  ref(v: ResidentTensor, where: string): number {
    const ref = this.#refs.get(v);
    if (ref === undefined) throw new ModalflowError('RUNTIME_RUN_FAILED', `${where}: the resident value was released or belongs to another runtime`);
    return ref;
  }

  adopt(info: ResidentInfo): WebResident {
    const v = new WebResident(info.dtype, info.dims, info.location);
    this.#refs.set(v, info.ref);
    this.#orphans.register(v, info.ref, v);
    return v;
  }

  adoptAll(kept: Record<string, ResidentInfo>): Record<string, WebResident> {
    const out: Record<string, WebResident> = {};
    for (const [name, info] of Object.entries(kept)) out[name] = this.adopt(info);
    return out;
  }

  async upload(t: Tensor): Promise<ResidentTensor> {
    return this.adopt(await this.#link.upload(t));
  }

  download(v: ResidentTensor): Promise<Tensor> {
    return this.#link.download(this.ref(v, 'download'));
  }

  async release(values: readonly ResidentTensor[]): Promise<void> {
    const refs: number[] = [];
    for (const v of values) {
      const ref = this.#refs.get(v);
      if (ref === undefined) continue;
      this.#refs.delete(v);
      this.#orphans.unregister(v);
      refs.push(ref);
    }
    await this.#link.releaseResident(refs);
  }
}
