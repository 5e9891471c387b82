import { DataCodes, dataProblem } from './errors.ts';
import type { RawRow } from './source.ts';

/**
 * JSON Lines: one object per line. Blank lines are skipped; a line that is not a JSON object
 * becomes a row carrying its problem, so it fails only the batch that reaches it.
 */
export function parseJsonl(text: string, file?: string): RawRow[] {
  const rows: RawRow[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((content, i) => {
    const line = i + 1;
    if (content.trim() === '') return;
    const at = file === undefined ? { line } : { file, line };
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch (e) {
      rows.push({ line, values: {}, problems: [dataProblem(DataCodes.jsonSyntax, `not valid JSON: ${(e as Error).message}`, at)] });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      const got = Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value;
      rows.push({ line, values: {}, problems: [dataProblem(DataCodes.notObject, `each line must be a JSON object of input values, this one is ${got}`, at)] });
      return;
    }
    rows.push({ line, values: value as Record<string, unknown> });
  });
  return rows;
}
