import { parse } from 'csv-parse/browser/esm/sync';
import { DataCodes, dataError, dataProblem, type DataLocation } from './errors.ts';
import type { RawRow } from './source.ts';
import type { InputSpec } from './spec.ts';

interface Parsed {
  record: string[];
  info: { lines: number };
}

/**
 * CSV with a header row naming the inputs (RFC 4180 quoting, so texts may hold commas, quotes
 * and newlines). Header faults stop here, before any training: every row would be wrong.
 * A row with the wrong number of fields carries its problem and fails only its own batch.
 */
export function parseCsv(text: string, inputs: readonly InputSpec[], extraColumns: 'error' | 'ignore', file?: string): RawRow[] {
  const where = (at: DataLocation): DataLocation => (file === undefined ? at : { file, ...at });
  let parsed: Parsed[];
  try {
    parsed = parse(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true }) as unknown as Parsed[];
  } catch (e) {
    const err = e as Error & { lines?: number };
    throw dataError(DataCodes.csvSyntax, `not valid CSV: ${err.message}`, where(err.lines === undefined ? {} : { line: err.lines }));
  }
  const head = parsed[0];
  if (!head) throw dataError(DataCodes.csvHeader, 'the file is empty; the first line must name the inputs', where({ line: 1 }));
  const header = head.record.map((h) => h.trim());
  const headerLine = head.info.lines;
  const seen = new Set<string>();
  header.forEach((name, i) => {
    if (name === '') throw dataError(DataCodes.csvHeader, `header field ${i + 1} is empty; every column needs an input name`, where({ line: headerLine }));
    if (seen.has(name)) throw dataError(DataCodes.csvHeader, `column "${name}" appears twice in the header`, where({ line: headerLine, column: name }));
    seen.add(name);
  });
  const names = new Set(inputs.map((i) => i.name));
  const known = inputs.map((i) => i.name).join(', ');
  if (extraColumns !== 'ignore') {
    const unknown = header.find((h) => !names.has(h));
    if (unknown !== undefined) {
      throw dataError(DataCodes.unknownColumn, `column "${unknown}" names no graph input (inputs: ${known})`, where({ line: headerLine, column: unknown }));
    }
  }
  const missing = inputs.find((i) => !seen.has(i.name));
  if (missing) {
    throw dataError(DataCodes.missingColumn, `the header has no column for input "${missing.name}" (columns: ${header.join(', ')})`, where({ line: headerLine, column: missing.name }));
  }
  return parsed.slice(1).map(({ record, info }) => {
    // csv-parse counts lines to the record's end; newlines can only sit inside quoted fields,
    // so subtracting them gives the line the record starts on, where an editor should jump.
    const line = info.lines - record.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0);
    if (record.length !== header.length) {
      const problem = dataProblem(DataCodes.csvFields, `the row has ${record.length} fields, but the header has ${header.length}`, where({ line }));
      return { line, values: {}, problems: [problem] };
    }
    const values: Record<string, unknown> = {};
    header.forEach((name, i) => {
      if (names.has(name)) values[name] = record[i];
    });
    return { line, values };
  });
}
