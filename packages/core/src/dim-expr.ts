/**
 * Evaluates a symbolic dimension such as `(H/32)*(W/32)+1` for cost estimates. Only integers,
 * names, + - * / and parentheses are understood; `/` is integer division, as a patch grid
 * is. Names not in `symbols` count as 1. Returns undefined for text that is not such an
 * expression, so callers can fall back.
 */
export function evaluateDim(expr: string, symbols: Readonly<Record<string, number>>): number | undefined {
  const tokens = expr.match(/\s*(\d+|[A-Za-z_][A-Za-z0-9_.]*|[-+*/()])/g);
  if (!tokens || tokens.join('').replace(/\s+/g, '') !== expr.replace(/\s+/g, '')) return undefined;
  const ts = tokens.map((t) => t.trim());
  let i = 0;
  const peek = () => ts[i];
  const fail = () => {
    throw new SyntaxError(expr);
  };
  const primary = (): number => {
    const t = ts[i++];
    if (t === undefined) return fail();
    if (t === '(') {
      const v = sum();
      if (ts[i++] !== ')') fail();
      return v;
    }
    if (t === '-') return -primary();
    if (/^\d+$/.test(t)) return Number(t);
    if (/^[A-Za-z_]/.test(t)) return symbols[t] ?? 1;
    return fail();
  };
  const product = (): number => {
    let v = primary();
    while (peek() === '*' || peek() === '/') {
      const op = ts[i++];
      const r = primary();
      v = op === '*' ? v * r : r === 0 ? fail() : Math.floor(v / r);
    }
    return v;
  };
  const sum = (): number => {
    let v = product();
    while (peek() === '+' || peek() === '-') {
      const op = ts[i++];
      const r = product();
      v = op === '+' ? v + r : v - r;
    }
    return v;
  };
  try {
    const v = sum();
    return i === ts.length && Number.isFinite(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
