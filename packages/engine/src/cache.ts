import type { Tensor } from '@modalflow/core';
import { tensorBytes } from './tensor-hash.ts';

/** Stage results by key, evicting the least recently used once over a byte budget. */
export class StageCache {
  private readonly entries = new Map<string, { outputs: Record<string, Tensor>; bytes: number }>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string): Record<string, Tensor> | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.outputs;
  }

  set(key: string, outputs: Record<string, Tensor>): void {
    const bytes = Object.values(outputs).reduce((a, t) => a + tensorBytes(t), 0);
    if (bytes > this.maxBytes) return;
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.bytes;
      this.entries.delete(key);
    }
    this.entries.set(key, { outputs, bytes });
    this.bytes += bytes;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= e.bytes;
    }
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  get size(): number {
    return this.entries.size;
  }
}
