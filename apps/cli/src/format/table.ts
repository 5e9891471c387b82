export type Align = 'left' | 'right';

/**
 * Lays rows out in columns padded to the widest cell. Widths count code points, so the
 * `×` of a shape does not throw alignment off.
 */
export function formatTable(rows: readonly (readonly string[])[], align: readonly Align[] = [], gap = '  '): string {
  const width = (s: string) => [...s].length;
  const cols = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from({ length: cols }, (_, c) => Math.max(0, ...rows.map((r) => width(r[c] ?? ''))));
  return rows
    .map((r) =>
      r
        .map((cell, c) => {
          const pad = ' '.repeat(widths[c]! - width(cell));
          return align[c] === 'right' ? pad + cell : c === r.length - 1 ? cell : cell + pad;
        })
        .join(gap)
        .trimEnd(),
    )
    .join('\n');
}
