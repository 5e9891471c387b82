/** Where a command writes and what it knows of its surroundings; tests pass their own. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Progress is only drawn for a person watching stderr. */
  errIsTTY: boolean;
  cwd: string;
  /** Set by a command that fails without throwing, such as `validate` finding problems. */
  exitCode?: number;
}

export function processIo(): Io {
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    errIsTTY: !!process.stderr.isTTY,
    cwd: process.cwd(),
  };
}
