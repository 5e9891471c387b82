import { ModalflowError, type Tensor } from '@modalflow/core';
import { isResident, type Feed, type Provider, type ResidentRun } from '@modalflow/engine';
import type { Link } from './link.ts';
import type { WebResidents } from './resident.ts';
import type { WebProviderAttempt, WebRuntimeSession } from './types.ts';
import type { SessionInfo } from './wire.ts';

/** The page's handle on a session the host holds; it carries no ORT state of its own. */
export class WebSession implements WebRuntimeSession {
  readonly provider: Provider;
  readonly attempts: readonly WebProviderAttempt[];
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly cpuFallback: boolean;
  readonly #id: number;
  readonly #link: Link;
  readonly #onRelease: (s: WebSession) => void;
  readonly #residents: WebResidents;
  #released = false;

  constructor(
    link: Link,
    info: SessionInfo,
    readonly label: string,
    onRelease: (s: WebSession) => void,
    residents: WebResidents,
  ) {
    this.#link = link;
    this.#residents = residents;
    this.#id = info.id;
    this.#onRelease = onRelease;
    this.provider = info.provider;
    this.attempts = info.attempts;
    this.inputNames = info.inputNames;
    this.outputNames = info.outputNames;
    this.cpuFallback = info.cpuFallback;
  }

  async run(feeds: Record<string, Tensor>, fetches?: readonly string[]): Promise<Record<string, Tensor>> {
    if (this.#released) throw new ModalflowError('RUNTIME_RUN_FAILED', `session "${this.label}": the session was released`);
    return (await this.#link.run(this.#id, feeds, fetches ? [...fetches] : undefined)).outputs;
  }

  async runResident(feeds: Record<string, Feed>, keep: readonly string[], fetches?: readonly string[]): Promise<ResidentRun> {
    if (this.#released) throw new ModalflowError('RUNTIME_RUN_FAILED', `session "${this.label}": the session was released`);
    const host: Record<string, Tensor> = {};
    const held: Record<string, number> = {};
    for (const [name, f] of Object.entries(feeds)) {
      if (isResident(f)) held[name] = this.#residents.ref(f, `session "${this.label}": input "${name}"`);
      else host[name] = f;
    }
    const r = await this.#link.run(this.#id, host, fetches ? [...fetches] : undefined, held, [...keep]);
    return { outputs: r.outputs, kept: this.#residents.adoptAll(r.kept) };
  }

  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    this.#onRelease(this);
    await this.#link.release(this.#id);
  }
}
