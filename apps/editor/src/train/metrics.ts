/**
 * The accuracy to chart for an objective's metrics: image-to-text retrieval for a contrastive
 * loss, class accuracy for cross-entropy; the first objective that has one.
 */
export function headlineAccuracy(metrics: Readonly<Record<string, number>>): number | null {
  for (const [k, v] of Object.entries(metrics)) if (/\.(image_to_text|accuracy)$/.test(k) && Number.isFinite(v)) return v;
  return null;
}

/** Example-weighted means of per-batch metrics, as `modalflow train` averages its held-out batches. */
export function averageMetrics(parts: readonly { loss: number; metrics: Record<string, number>; examples: number }[]): { loss: number; metrics: Record<string, number>; examples: number } {
  let examples = 0;
  let loss = 0;
  const sums: Record<string, number> = {};
  for (const p of parts) {
    examples += p.examples;
    loss += p.loss * p.examples;
    for (const [k, v] of Object.entries(p.metrics)) sums[k] = (sums[k] ?? 0) + v * p.examples;
  }
  const n = Math.max(examples, 1);
  return { loss: loss / n, metrics: Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / n])), examples };
}

/** How many rows of an [n, n] image-text score matrix score their own text highest (ties count, as the engine counts them). */
export function diagonalWins(n: number, data: ArrayLike<number>): number {
  let wins = 0;
  for (let r = 0; r < n; r++) {
    let best = -Infinity;
    for (let c = 0; c < n; c++) best = Math.max(best, data[r * n + c]!);
    if (data[r * n + r]! >= best) wins++;
  }
  return wins;
}
