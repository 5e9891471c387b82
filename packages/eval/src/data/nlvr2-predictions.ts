import { DATA_CODES, dataError } from './errors.ts';
import { lines } from './lines.ts';

/** NLVR2 predictions as the dataset's metrics.py reads them: `identifier,True|False` per line. */
export async function readNlvr2Predictions(chunks: AsyncIterable<string> | Iterable<string>, file: string): Promise<Map<string, boolean>> {
  const out = new Map<string, boolean>();
  for await (const { text, line } of lines(chunks)) {
    if (text.trim() === '') continue;
    const m = /^([^,]+),\s*(true|false)\s*$/i.exec(text);
    if (!m) throw dataError(DATA_CODES.csv, 'expected "<identifier>,True" or "<identifier>,False"', { file, line });
    if (out.has(m[1]!)) throw dataError(DATA_CODES.duplicateId, `a second prediction for ${m[1]}`, { file, line });
    out.set(m[1]!, m[2]!.toLowerCase() === 'true');
  }
  return out;
}
