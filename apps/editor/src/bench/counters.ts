/**
 * Render counters for the benchmark: off (null) unless the page was opened in bench mode, so the
 * normal editor pays one null check per render.
 */
export interface RenderCounts {
  node: number;
  edge: number;
}

let counts: RenderCounts | null = null;

export function enableRenderCounts(): RenderCounts {
  counts ??= { node: 0, edge: 0 };
  return counts;
}

export function countRender(kind: keyof RenderCounts) {
  if (counts) counts[kind]++;
}
