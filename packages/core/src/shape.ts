import { evaluateDim } from './dim-expr.ts';
/**
 * A dimension is either known (a number) or symbolic (a name such as `B` or an expression
 * such as `T+1`). Symbols let a graph say "batch" without fixing it, and unify across edges.
 */
export type Dim = number | string;
export type Shape = Dim[];

export function isKnown(d: Dim): d is number {
  return typeof d === 'number';
}

export function formatShape(shape: readonly Dim[]): string {
  return shape.length === 0 ? 'scalar' : shape.map(String).join('×');
}

function wrap(d: Dim): string {
  return typeof d === 'string' && /[+\-*/]/.test(d) ? `(${d})` : String(d);
}

export function dimAdd(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (a === 0) return b;
  if (b === 0) return a;
  return `${a}+${b}`;
}

export function dimMul(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  if (a === 1) return b;
  if (b === 1) return a;
  return `${wrap(a)}*${wrap(b)}`;
}

export function dimProduct(dims: readonly Dim[]): Dim {
  return dims.reduce<Dim>((acc, d) => dimMul(acc, d), 1);
}

/**
 * Parses a user-written shape such as `B, 3, 224, 224` or `[B, 77]`. Integers become known
 * dimensions, identifiers become symbols.
 */
export function parseShape(text: string): Shape {
  const body = text.trim().replace(/^\[/, '').replace(/\]$/, '').trim();
  if (body === '') return [];
  return body.split(/[,x×]/).map((raw) => {
    const t = raw.trim();
    if (/^\d+$/.test(t)) return Number(t);
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(t)) return t;
    throw new Error(`"${t}" is neither a size nor a dimension name`);
  });
}

/** Numeric value of a dimension for cost estimates: unknown names count as 1 (one example),
 *  expressions of names are evaluated. */
export function dimValue(d: Dim, symbols: Readonly<Record<string, number>> = {}): number {
  if (typeof d === 'number') return d;
  return symbols[d] ?? evaluateDim(d, symbols) ?? 1;
}

export function shapeValue(shape: readonly Dim[], symbols?: Readonly<Record<string, number>>): number[] {
  return shape.map((d) => dimValue(d, symbols));
}

export function sameDim(a: Dim, b: Dim): boolean {
  return a === b;
}
