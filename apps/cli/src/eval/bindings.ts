import type { PlanInput } from '@modalflow/compiler';
import { UsageError } from '@modalflow/node-io';
import type { Binding } from './predict.ts';

/**
 * Binds graph inputs to data-set columns: `--input name=column` first, then by name (an input
 * called like a column), then by kind (text inputs take `textColumn`, image inputs `imageColumn`,
 * region inputs `features`).
 */
export function bindInputs(
  inputs: readonly PlanInput[],
  args: readonly string[],
  columns: readonly string[],
  defaults: { text?: string; image?: string },
): Binding[] {
  const given = new Map<string, string>();
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new UsageError(`--input "${a}" is not name=column`);
    given.set(a.slice(0, eq), a.slice(eq + 1));
  }
  for (const name of given.keys()) {
    if (!inputs.some((i) => i.name === name)) throw new UsageError(`the graph has no input "${name}" (it has ${inputs.map((i) => i.name).join(', ')})`);
  }
  return inputs.map((input) => {
    const column =
      given.get(input.name) ??
      (columns.includes(input.name) ? input.name : undefined) ??
      (input.dtype === 'string' ? defaults.text : input.kind === 'image' ? defaults.image : input.kind === 'regions' ? (input.name.endsWith('.boxes') ? 'boxes' : 'features') : undefined);
    if (!column || (!columns.includes(column) && column !== 'caption')) {
      throw new UsageError(`bind graph input "${input.name}" to a data-set column with --input ${input.name}=<column> (columns: ${columns.join(', ')})`);
    }
    return { input, column };
  });
}
