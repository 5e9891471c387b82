import type { Location } from '@modalflow/core';
import { z } from 'zod';
import { DATA_CODES, dataError, pointer } from './errors.ts';
import { lines } from './lines.ts';
import { joinPath, type Column, type Dataset, type Row } from './rows.ts';

const Example = z.looseObject({
  identifier: z.string().regex(/^[a-z0-9]+-\d+-\d+-\d+$/, 'expected "<split>-<set>-<pair>-<sentence>"'),
  sentence: z.string(),
  label: z.enum(['True', 'False']),
});

export const NLVR2_COLUMNS: Column[] = [
  { name: 'identifier', kind: 'id', description: '<split>-<set>-<pair>-<sentence>' },
  { name: 'sentence', kind: 'text', description: 'the statement about the two images' },
  { name: 'label', kind: 'label', description: 'true when the statement holds' },
  { name: 'left_image', kind: 'image', description: '<split>-<set>-<pair>-img0.png' },
  { name: 'right_image', kind: 'image', description: '<split>-<set>-<pair>-img1.png' },
];

/** NLVR2 JSON Lines (`dev.json`, `test1.json`): one statement about an image pair per line. */
export async function readNlvr2(chunks: AsyncIterable<string> | Iterable<string>, file: string, options: { imageRoot?: string } = {}): Promise<Dataset> {
  const rows: Row[] = [];
  const at: Location[] = [];
  for await (const { text, line } of lines(chunks)) {
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw dataError(DATA_CODES.json, `not a JSON object: ${(e as Error).message}`, { file, line });
    }
    const r = Example.safeParse(value);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw dataError(DATA_CODES.field, `not an NLVR2 example: ${issue.message}`, { file, line, path: pointer(issue.path) });
    }
    const pair = r.data.identifier.replace(/-\d+$/, '');
    rows.push({
      identifier: r.data.identifier,
      sentence: r.data.sentence,
      label: r.data.label === 'True',
      left_image: joinPath(options.imageRoot, `${pair}-img0.png`),
      right_image: joinPath(options.imageRoot, `${pair}-img1.png`),
    });
    at.push({ file, line });
  }
  return { format: 'nlvr2', file, columns: NLVR2_COLUMNS, rows, at };
}
