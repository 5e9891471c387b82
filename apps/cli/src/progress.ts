import type { Io } from './io.ts';
import { formatMs } from './format/numbers.ts';

export interface Progress {
  readonly enabled: boolean;
  step(message: string): void;
  /** Runs `work`, reporting how long it took once it is done. */
  time<T>(message: string, work: () => Promise<T> | T): Promise<T>;
}

/** Progress lines go to stderr so stdout stays clean for --json and pipes. */
export function createProgress(io: Io, enabled: boolean): Progress {
  const step = (message: string) => {
    if (enabled) io.err(`· ${message}\n`);
  };
  return {
    enabled,
    step,
    async time(message, work) {
      step(`${message}…`);
      const t0 = performance.now();
      const result = await work();
      step(`${message}: done in ${formatMs(performance.now() - t0)}`);
      return result;
    },
  };
}
