import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface CliTensor {
  dtype: string;
  shape: number[];
  data: unknown[];
}

/**
 * `modalflow run ... --json` as a user types it, from the repository root: what the editor's run
 * panel is compared with. Paths are relative to the root.
 */
export function cliRun(args: string[]): Promise<Record<string, CliTensor>> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [`${ROOT}apps/cli/bin/modalflow.js`, 'run', ...args, '--device', 'cpu', '--json'], { cwd: ROOT, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`modalflow run ${args.join(' ')} failed: ${stderr || err.message}`));
      else resolve((JSON.parse(stdout) as { outputs: Record<string, CliTensor> }).outputs);
    });
  });
}

/** For each row of a [rows, cols] matrix, the columns from best to worst. */
export function rankings(t: { shape: number[]; data: ArrayLike<number> }): number[][] {
  const [rows, cols] = t.shape as [number, number];
  return Array.from({ length: rows }, (_, r) => {
    const row = Array.from({ length: cols }, (_, c) => Number(t.data[r * cols + c]));
    return row.map((_, c) => c).sort((a, b) => row[b]! - row[a]! || a - b);
  });
}
