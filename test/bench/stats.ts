export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/** Runs `fn` `warmup` times unmeasured, then `runs` times, returning each duration in ms. */
export async function time(fn: () => unknown, runs: number, warmup = Math.ceil(runs / 10)): Promise<number[]> {
  for (let k = 0; k < warmup; k++) await fn();
  const out: number[] = [];
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

/** Alternates two functions run by run so machine noise hits both alike. */
export async function timePair(a: () => unknown, b: () => unknown, runs: number): Promise<[number[], number[]]> {
  for (let k = 0; k < Math.ceil(runs / 10); k++) {
    await a();
    await b();
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let k = 0; k < runs; k++) {
    const first = k % 2 === 0;
    for (const which of first ? [0, 1] : [1, 0]) {
      const t0 = performance.now();
      await (which === 0 ? a() : b());
      (which === 0 ? ta : tb).push(performance.now() - t0);
    }
  }
  return [ta, tb];
}

export const round = (x: number, digits = 4) => Number(x.toFixed(digits));
