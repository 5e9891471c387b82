import Papa from 'papaparse';
import { DATA_CODES, dataError } from './errors.ts';
import { lines } from './lines.ts';

export interface CsvRecord {
  /** Cells by header name. */
  cells: Record<string, string>;
  /** Line the record starts on (1-based; the header is line 1). */
  line: number;
}

function quotesOpen(text: string, open: boolean): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 34) open = !open;
  return open;
}

function parseRecord(text: string, file: string, line: number): string[] {
  const result = Papa.parse<string[]>(text, { header: false, skipEmptyLines: false });
  const err = result.errors[0];
  if (err) throw dataError(DATA_CODES.csv, `bad CSV record: ${err.message}`, { file, line });
  return result.data[0] ?? [];
}

/**
 * Streams a CSV file with a header row. Records are cut at line ends outside quotes (a quoted
 * caption may hold a newline) and each is parsed by papaparse; a record with the wrong number
 * of cells, or a header without a required column, is an error at its line.
 */
export async function* readCsv(
  chunks: AsyncIterable<string> | Iterable<string>,
  file: string,
  required: readonly string[],
): AsyncGenerator<CsvRecord> {
  let header: string[] | undefined;
  let pending = '';
  let startLine = 0;
  let open = false;
  for await (const { text, line } of lines(chunks)) {
    if (pending === '') startLine = line;
    pending = pending === '' ? text : `${pending}\n${text}`;
    open = quotesOpen(text, open);
    if (open) continue;
    const record = pending;
    pending = '';
    if (record.trim() === '') continue;
    const fields = parseRecord(record, file, startLine);
    if (!header) {
      header = fields.map((f) => f.replace(/^\uFEFF/, '').trim());
      const missing = required.filter((r) => !header!.includes(r));
      if (missing.length) {
        throw dataError(DATA_CODES.csv, `the header has no column ${missing.map((m) => `"${m}"`).join(', ')} (it has ${header.join(', ')})`, { file, line: startLine });
      }
      continue;
    }
    if (fields.length !== header.length) {
      throw dataError(DATA_CODES.csv, `expected ${header.length} cells (${header.join(', ')}), found ${fields.length}`, { file, line: startLine });
    }
    yield { cells: Object.fromEntries(header.map((h, i) => [h, fields[i]!])), line: startLine };
  }
  if (pending !== '') throw dataError(DATA_CODES.csv, 'a quoted cell is never closed (truncated file?)', { file, line: startLine });
  if (!header) throw dataError(DATA_CODES.csv, 'the file is empty: a header row is needed', { file });
}
