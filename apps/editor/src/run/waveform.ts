/**
 * The lowest and highest sample under each of `columns` pixel columns of a clip, so a waveform of
 * minutes draws in one pass without losing its peaks (a plain subsample would skip them).
 */
export function waveformColumns(samples: ArrayLike<number>, columns: number): { min: Float32Array; max: Float32Array } {
  const min = new Float32Array(columns);
  const max = new Float32Array(columns);
  const n = samples.length;
  for (let c = 0; c < columns; c++) {
    const from = Math.floor((c * n) / columns);
    const to = Math.max(from + 1, Math.floor(((c + 1) * n) / columns));
    let lo = Infinity;
    let hi = -Infinity;
    for (let k = from; k < Math.min(to, n); k++) {
      const v = samples[k]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    min[c] = lo === Infinity ? 0 : lo;
    max[c] = hi === -Infinity ? 0 : hi;
  }
  return { min, max };
}
