import type { Dim, Shape } from './shape.ts';
import { formatShape } from './shape.ts';

export interface UnifyResult {
  ok: boolean;
  message?: string;
}

/**
 * Matches an actual shape against a port template, extending `dims` with new bindings.
 * Template names that are integer params stand for that param's value. Two known sizes must
 * agree; a symbolic side is accepted, since its size is only known when the graph runs.
 */
export function unifyShape(
  template: readonly Dim[] | null,
  actual: Shape,
  dims: Record<string, Dim>,
  params: Record<string, unknown>,
): UnifyResult {
  if (template === null) return { ok: true };
  if (template.length !== actual.length) {
    return {
      ok: false,
      message: `expects rank ${template.length} [${template.join(', ')}], got rank ${actual.length} (${formatShape(actual)})`,
    };
  }
  for (let i = 0; i < template.length; i++) {
    const t = template[i]!;
    const a = actual[i]!;
    let expected: Dim | undefined;
    let label: string;
    if (typeof t === 'number') {
      expected = t;
      label = `dimension ${i}`;
    } else if (typeof params[t] === 'number') {
      expected = params[t] as number;
      label = `dimension ${i} ("${t}", set by param ${t})`;
    } else if (t in dims) {
      expected = dims[t];
      label = `dimension ${i} ("${t}", ${String(dims[t])} from an earlier port)`;
    } else {
      dims[t] = a;
      continue;
    }
    if (typeof expected === 'number' && typeof a === 'number' && expected !== a) {
      return { ok: false, message: `${label} must be ${expected}, got ${a} (shape ${formatShape(actual)})` };
    }
    // A symbolic binding meeting a known size learns it, so later ports see the number.
    if (typeof t === 'string' && typeof expected === 'string' && typeof a === 'number') dims[t] = a;
  }
  return { ok: true };
}

/** Fills a template from bindings and params; unbound names stay symbolic. */
export function fillTemplate(template: readonly Dim[], dims: Record<string, Dim>, params: Record<string, unknown>): Shape {
  return template.map((t) => {
    if (typeof t === 'number') return t;
    if (typeof params[t] === 'number') return params[t] as number;
    return dims[t] ?? t;
  });
}
