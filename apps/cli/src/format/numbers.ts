/** Counts for people: exact with thousands separators, and a short form such as 86.2M. */

export function withThousands(n: number): string {
  const [int, frac] = String(Math.abs(n)).split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (n < 0 ? '-' : '') + grouped + (frac ? `.${frac}` : '');
}

const PREFIXES = ['', 'K', 'M', 'B', 'T'];
const SI = ['', 'K', 'M', 'G', 'T', 'P', 'E'];

function scaled(n: number, prefixes: readonly string[]): { value: string; prefix: string } {
  if (Math.abs(n) < 1000) return { value: String(Math.round(n * 10) / 10), prefix: '' };
  let i = 0;
  let v = Math.abs(n);
  // Decide the unit after rounding, so 999,960 reads 1.0M rather than 1000.0K.
  while (i < prefixes.length - 1 && Number(v.toFixed(1)) >= 1000) {
    v /= 1000;
    i++;
  }
  return { value: (n < 0 ? '-' : '') + v.toFixed(1), prefix: prefixes[i]! };
}

/** 86234112 -> "86.2M"; 512 -> "512". */
export function shortCount(n: number): string {
  const { value, prefix } = scaled(n, PREFIXES);
  return value + prefix;
}

/** 4.4e9 -> "4.4 GFLOPs". */
export function shortFlops(n: number): string {
  const { value, prefix } = scaled(n, SI);
  return `${value} ${prefix}FLOPs`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}
