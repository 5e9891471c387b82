import { NODE_ID_RE, blockNameOf } from '@modalflow/core';

/** A readable id stem for a node type: `layer.layer_norm` -> `layer_norm`, `block:ffn` -> `ffn`. */
export function idStem(typeOrId: string): string {
  const last = (blockNameOf(typeOrId) ?? typeOrId).split('.').pop() ?? 'node';
  const stem = last.replace(/[^A-Za-z0-9_-]/g, '_').replace(/_\d+$/, '');
  const safe = /^[A-Za-z_]/.test(stem) ? stem : `n_${stem}`;
  return safe.slice(0, 56) || 'node';
}

/** The first of `stem`, `stem_2`, `stem_3`, … not in `taken`; always a valid node id. */
export function freshId(stem: string, taken: ReadonlySet<string>): string {
  const base = idStem(stem);
  if (!taken.has(base) && NODE_ID_RE.test(base)) return base;
  for (let i = 2; ; i++) {
    const id = `${base}_${i}`;
    if (!taken.has(id)) return id;
  }
}
