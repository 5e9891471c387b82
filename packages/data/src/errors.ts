import { ModalflowError, type Location, type Problem } from '@modalflow/core';

/**
 * Stable codes for data problems. Never reworded: callers and docs match on them.
 */
export const DataCodes = {
  format: 'MF_DATA_FORMAT',
  csvHeader: 'MF_DATA_CSV_HEADER',
  csvSyntax: 'MF_DATA_CSV_SYNTAX',
  csvFields: 'MF_DATA_CSV_FIELDS',
  jsonSyntax: 'MF_DATA_JSON_SYNTAX',
  notObject: 'MF_DATA_NOT_OBJECT',
  unknownColumn: 'MF_DATA_UNKNOWN_COLUMN',
  missingColumn: 'MF_DATA_MISSING_COLUMN',
  emptyCell: 'MF_DATA_EMPTY_CELL',
  wrongType: 'MF_DATA_WRONG_TYPE',
  ragged: 'MF_DATA_RAGGED',
  shape: 'MF_DATA_SHAPE',
  imageSize: 'MF_DATA_IMAGE_SIZE',
  missingFile: 'MF_DATA_MISSING_FILE',
  badFile: 'MF_DATA_BAD_FILE',
  length: 'MF_DATA_LENGTH_MISMATCH',
  option: 'MF_DATA_BAD_OPTION',
} as const;

export type DataCode = (typeof DataCodes)[keyof typeof DataCodes];

/**
 * Where a data problem sits. `line` is 1-based in the manifest; `rows` are dataset row numbers
 * (0-based, in manifest order) so a caller can skip or fix exactly those examples.
 * `path` repeats line and column in words because core's formatter prints only the known fields.
 */
export interface DataLocation extends Location {
  line?: number;
  column?: string;
  rows?: number[];
}

export function describeAt(at: { line?: number; column?: string }): string | undefined {
  const parts: string[] = [];
  if (at.line !== undefined) parts.push(`line ${at.line}`);
  if (at.column !== undefined) parts.push(`column "${at.column}"`);
  return parts.length ? parts.join(', ') : undefined;
}

export function dataProblem(code: DataCode, message: string, at: DataLocation): Problem {
  const path = describeAt(at);
  const loc: DataLocation = { ...at };
  if (path !== undefined && loc.path === undefined) loc.path = path;
  for (const k of Object.keys(loc) as (keyof DataLocation)[]) if (loc[k] === undefined) delete loc[k];
  return { code, message, at: loc, severity: 'error' };
}

export function dataError(code: DataCode, message: string, at: DataLocation = {}): ModalflowError {
  return ModalflowError.fromProblems([dataProblem(code, message, at)]);
}

/** A failure while reading one row, carrying every problem found in it. */
export class RowError extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map((p) => p.message).join('; '));
  }
}
