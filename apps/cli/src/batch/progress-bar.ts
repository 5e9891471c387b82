import type { Io } from '../io.ts';

/** A one-line bar on stderr with rows/s and the time left, redrawn in place on a terminal. */
export class ProgressBar {
  done = 0;
  private readonly started = performance.now();
  private last = 0;

  constructor(
    private readonly io: Io,
    private readonly total: number,
    private readonly enabled: boolean,
  ) {}

  get seconds(): number {
    return (performance.now() - this.started) / 1000;
  }

  line(errors: number): string {
    const width = 24;
    const frac = this.total ? this.done / this.total : 1;
    const filled = Math.round(frac * width);
    const rate = this.done / Math.max(this.seconds, 1e-3);
    const eta = rate > 0 ? (this.total - this.done) / rate : Infinity;
    const etaText = Number.isFinite(eta) ? `ETA ${eta < 60 ? `${eta.toFixed(0)}s` : `${Math.floor(eta / 60)}m${String(Math.round(eta % 60)).padStart(2, '0')}s`}` : 'ETA ?';
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.done}/${this.total} rows  ${rate.toFixed(1)} items/s  ${etaText}${errors ? `  ${errors} errors` : ''}`;
  }

  update(rows: number, errors: number): void {
    this.done += rows;
    if (!this.enabled) return;
    const now = performance.now();
    // A terminal redraws in place; a log gets a line every few seconds, not one per batch.
    if (this.io.errIsTTY) this.io.err(`\r${this.line(errors)}`);
    else if (now - this.last > 2000 || this.done === this.total) {
      this.io.err(this.line(errors) + '\n');
      this.last = now;
    }
  }

  finish(): void {
    if (this.enabled && this.io.errIsTTY) this.io.err('\n');
  }
}
