import { runCli } from './cli.ts';
import type { Io } from './io.ts';

/** Runs the command line in this process with its standard output and error captured, as tests read them. */
export async function runCaptured(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), errIsTTY: false, cwd };
  const code = await runCli(args, io);
  return { code, out, err };
}

/** `modalflow train … --json`, its lines parsed into the events it printed. */
export async function trainEvents(args: string[], cwd: string): Promise<{ code: number; events: Record<string, any>[]; err: string }> {
  const { code, out, err } = await runCaptured(['train', ...args, '--json'], cwd);
  return { code, events: out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)), err };
}
