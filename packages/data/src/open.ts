import { parseCsv } from './csv.ts';
import { Dataset } from './dataset.ts';
import { DataCodes, dataError } from './errors.ts';
import { parseJsonl } from './jsonl.ts';
import { TableSource } from './source.ts';
import type { DatasetOptions } from './spec.ts';

export interface ManifestText {
  text: string;
  /** The manifest's name as the user knows it; errors name it, and it picks the format. */
  file?: string;
  format?: 'jsonl' | 'csv';
}

function formatOf({ file, format }: ManifestText): 'jsonl' | 'csv' {
  if (format) return format;
  const ext = /\.[^./\\]+$/.exec(file ?? '')?.[0]?.toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.csv') return 'csv';
  throw dataError(
    DataCodes.format,
    `cannot tell the manifest's format from ${file === undefined ? 'a nameless file' : `"${file}"`}; name it .jsonl or .csv, or pass format`,
    file === undefined ? {} : { file },
  );
}

function checkInputs(options: DatasetOptions): void {
  const seen = new Set<string>();
  for (const input of options.inputs) {
    if (seen.has(input.name)) throw dataError(DataCodes.option, `input "${input.name}" is listed twice`, { column: input.name });
    seen.add(input.name);
  }
}

/**
 * A JSONL or CSV manifest whose columns name the graph's inputs. Header faults throw here;
 * faults in a row are kept with that row and reported by the batch that contains it.
 */
export function openManifest(manifest: ManifestText, options: DatasetOptions): Dataset {
  checkInputs(options);
  const format = formatOf(manifest);
  const rows =
    format === 'jsonl'
      ? parseJsonl(manifest.text, manifest.file)
      : parseCsv(manifest.text, options.inputs, options.extraColumns ?? 'error', manifest.file);
  return new Dataset(new TableSource(rows, options, format === 'csv' ? 'csv' : 'json', manifest.file), undefined, manifest.file);
}

/**
 * In-memory records, e.g. a generated dataset. Values are what a JSONL line holds (strings,
 * numbers, nested arrays, file paths) or ready tensors without the batch axis. Row n is
 * reported as "line n + 1" of `name` so messages read like those of a manifest.
 */
export function fromRows(rows: readonly Record<string, unknown>[], options: DatasetOptions & { name?: string }): Dataset {
  checkInputs(options);
  const raw = rows.map((values, i) => ({ line: i + 1, values }));
  return new Dataset(new TableSource(raw, options, 'json', options.name), undefined, options.name);
}
