import type { Io } from '../io.ts';

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return `${h ? `${h}:${String(m).padStart(2, '0')}` : m}:${String(r).padStart(2, '0')}`;
}

/**
 * The training progress bar: redrawn in place on a terminal, a plain line every few steps
 * otherwise (logs stay readable).
 */
export function createTrainProgress(io: Io, total: number, enabled: boolean) {
  const started = performance.now();
  let examples = 0;
  const every = Math.max(1, Math.round(total / 20));
  let drawn = false;
  return {
    update(step: number, loss: number, batchExamples: number, done: number) {
      examples += batchExamples;
      if (!enabled) return;
      const secs = (performance.now() - started) / 1000;
      const rate = examples / Math.max(secs, 1e-9);
      const eta = done > 0 ? (secs / done) * (total - done) : Infinity;
      const width = 24;
      const filled = Math.round((done / total) * width);
      const line = `step ${step} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} · loss ${loss.toFixed(4)} · ${rate.toFixed(0)} ex/s · ETA ${clock(eta)}`;
      if (io.errIsTTY) {
        io.err(`\r${line}\x1b[K`);
        drawn = true;
      } else if (done % every === 0 || done === total) io.err(line + '\n');
    },
    note(line: string) {
      if (!enabled) return;
      if (drawn) io.err('\n');
      drawn = false;
      io.err(line + '\n');
    },
    end() {
      if (drawn) io.err('\n');
      drawn = false;
    },
  };
}
