const UNITS = [
  { value: 1e12, suffix: 'T' },
  { value: 1e9, suffix: 'G' },
  { value: 1e6, suffix: 'M' },
  { value: 1e3, suffix: 'K' },
];

function short(n: number): string {
  for (const { value, suffix } of UNITS) {
    if (Math.abs(n) >= value) {
      const v = n / value;
      return `${v >= 100 ? Math.round(v) : Number(v.toFixed(1))}${suffix}`;
    }
  }
  return String(Math.round(n));
}

/** Parameter counts as people say them: 86.2M, 4.1K, 768. */
export function formatCount(n: number): string {
  return short(n);
}

/** FLOPs with an SI prefix: `4.4 GFLOPs`, `120 MFLOPs`, `850 FLOPs`. */
export function formatFlops(n: number): string {
  const s = short(n);
  const m = /^(-?[\d.]+)([KMGT]?)$/.exec(s);
  return m ? `${m[1]} ${m[2]}FLOPs` : `${s} FLOPs`;
}
