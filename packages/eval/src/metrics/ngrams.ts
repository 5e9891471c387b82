/** Counts of every 1..n-gram of a whitespace-split sentence; keys join words with spaces. */
export function ngramCounts(words: readonly string[], n: number): Map<string, number>[] {
  const counts: Map<string, number>[] = [];
  for (let k = 1; k <= n; k++) {
    const m = new Map<string, number>();
    for (let i = 0; i + k <= words.length; i++) {
      const g = words.slice(i, i + k).join(' ');
      m.set(g, (m.get(g) ?? 0) + 1);
    }
    counts.push(m);
  }
  return counts;
}

/** Python's `str.split()`: split on runs of whitespace, no empty words. */
export function words(sentence: string): string[] {
  return sentence.split(/\s+/).filter((w) => w !== '');
}
