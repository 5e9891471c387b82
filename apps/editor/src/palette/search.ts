import type { AnyNodeDef } from '@modalflow/core';

function score(def: AnyNodeDef, token: string): number {
  const title = def.title.toLowerCase();
  const type = def.type.toLowerCase();
  if (title.startsWith(token) || type.split('.').pop()!.startsWith(token)) return 4;
  if (title.includes(token)) return 3;
  if (type.includes(token) || def.category.includes(token)) return 2;
  if (def.doc.toLowerCase().includes(token) || (def.source ?? '').toLowerCase().includes(token)) return 1;
  return 0;
}

/** Node types matching every word of the query, best matches first; all of them for an empty query. */
export function searchTypes<T extends { def: AnyNodeDef }>(items: readonly T[], query: string): T[] {
  const tokens = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!tokens.length) return [...items];
  const scored: { item: T; s: number }[] = [];
  for (const item of items) {
    let s = 0;
    for (const t of tokens) {
      const v = score(item.def, t);
      if (!v) {
        s = 0;
        break;
      }
      s += v;
    }
    if (s) scored.push({ item, s });
  }
  return scored.sort((a, b) => b.s - a.s).map((x) => x.item);
}
