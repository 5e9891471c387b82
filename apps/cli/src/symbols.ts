import { InvalidArgumentError } from 'commander';

/** Commander parser for repeatable `--symbol B=8`: sizes of named dims for cost estimates. */
export function collectSymbol(value: string, previous: Record<string, number> = {}): Record<string, number> {
  const m = /^([A-Za-z_][A-Za-z0-9_.]*)=(\d+)$/.exec(value.trim());
  if (!m || Number(m[2]) < 1) throw new InvalidArgumentError('expected NAME=SIZE, such as B=8');
  return { ...previous, [m[1]!]: Number(m[2]) };
}

/** Commander parser for repeatable options. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
