import { ModalflowError, type Location } from '@modalflow/core';

/**
 * Stable codes for data-set and metric input problems. Tests assert them and users search for
 * them, so they are never reworded.
 */
export const DATA_CODES = {
  json: 'MF_DATA_JSON',
  field: 'MF_DATA_FIELD',
  idMismatch: 'MF_DATA_ID_MISMATCH',
  duplicateId: 'MF_DATA_DUPLICATE_ID',
  missingFile: 'MF_DATA_MISSING_FILE',
  featureShape: 'MF_DATA_FEATURE_SHAPE',
  csv: 'MF_DATA_CSV',
  tsv: 'MF_DATA_TSV',
  format: 'MF_DATA_FORMAT',
} as const;

export type DataCode = (typeof DATA_CODES)[keyof typeof DATA_CODES];

export function dataError(code: DataCode, message: string, at: Location): ModalflowError {
  return new ModalflowError(code, message, at);
}

/** A JSON pointer (RFC 6901) for a path of keys and indices. */
export function pointer(path: readonly (string | number | symbol)[]): string {
  return '/' + path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}
