import { CommanderError } from 'commander';
import { ModalflowError } from '@modalflow/core';
import { createProgram } from './program.ts';
import { UsageError } from '@modalflow/node-io';
import type { Io } from './io.ts';

export const EXIT = { ok: 0, badInput: 1, usage: 2, internal: 3 } as const;

/** Runs the command line and returns the exit code; never exits the process itself. */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  try {
    await createProgram(io).parseAsync([...argv], { from: 'user' });
    return io.exitCode ?? EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander has printed its message already; help and --version end with code 0.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof UsageError) {
      io.err(`error: ${e.message}\n(add --help for usage)\n`);
      return EXIT.usage;
    }
    if (e instanceof ModalflowError) {
      // The message already carries the code and location; a stack would only bury it.
      io.err(`error: ${e.message}\n`);
      return EXIT.badInput;
    }
    io.err(`internal error (please report it): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT.internal;
  }
}
