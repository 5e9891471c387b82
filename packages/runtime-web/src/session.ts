import { ModalflowError, type Tensor } from '@modalflow/core';
import type { Provider } from '@modalflow/engine';
import type { Link } from './link.ts';
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
  #released = false;

  constructor(
    link: Link,
    info: SessionInfo,
    readonly label: string,
    onRelease: (s: WebSession) => void,
  ) {
    this.#link = link;
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
    return this.#link.run(this.#id, feeds, fetches ? [...fetches] : undefined);
  }

  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    this.#onRelease(this);
    await this.#link.release(this.#id);
  }
}
