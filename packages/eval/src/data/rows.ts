import type { Location } from '@modalflow/core';

/** One cell of a data-set row: plain values, so rows cross worker and process boundaries as they are. */
export type Cell = string | number | boolean | null | string[] | number[] | Float32Array;

/** A data-set example as named columns, e.g. `{ image_id: 42, image: "val2014/…jpg", captions: [...] }`. */
export type Row = Record<string, Cell>;

/**
 * What a column holds, so a column can be bound to a graph input of the right kind: `image`,
 * `audio` and `video` are file paths; `features` and `boxes` are float32 with `dims`.
 */
export type ColumnKind = 'id' | 'image' | 'audio' | 'video' | 'text' | 'texts' | 'label' | 'number' | 'features' | 'boxes';

export interface Column {
  name: string;
  kind: ColumnKind;
  description: string;
  /** Shape of one cell for `features`/`boxes` (a flat Float32Array in the row), e.g. ['N', 2048]. */
  dims?: (number | string)[];
}

/** A data set as read: its rows and where each came from, for errors found after reading. */
export interface Dataset {
  format: string;
  file: string;
  columns: Column[];
  rows: Row[];
  /** Where each row came from (file, line or JSON path), parallel to `rows`. */
  at: Location[];
}

/** Joins a folder and a relative file name with `/`, which Node and browsers both accept. */
export function joinPath(root: string | undefined, name: string): string {
  if (!root) return name;
  return root.endsWith('/') ? root + name : `${root}/${name}`;
}
