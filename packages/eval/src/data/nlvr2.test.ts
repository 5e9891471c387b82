import { describe, expect, it } from 'vitest';
import { readNlvr2 } from './nlvr2.ts';
import { caught, chunked, fixtureText } from '../testing/fixtures.ts';

const text = fixtureText('reference/nlvr2_dev.json');

describe('readNlvr2', () => {
  it('reads one example per line with its image pair', async () => {
    const ds = await readNlvr2(chunked(text, 50), 'dev.json', { imageRoot: 'dev' });
    const first = JSON.parse(text.split('\n')[0]!);
    expect(ds.rows).toHaveLength(18);
    expect(ds.rows[0]).toEqual({
      identifier: first.identifier,
      sentence: first.sentence,
      label: first.label === 'True',
      left_image: `dev/${first.identifier.replace(/-\d+$/, '')}-img0.png`,
      right_image: `dev/${first.identifier.replace(/-\d+$/, '')}-img1.png`,
    });
  });

  it('names the line of a truncated example and of a bad label', async () => {
    const lines = text.split('\n');
    const cut = [...lines.slice(0, 2), lines[2]!.slice(0, 30)].join('\n');
    expect((await caught(() => readNlvr2([cut], 'dev.json'))).at).toEqual({ file: 'dev.json', line: 3 });
    const bad = text.replace('"label": "True"', '"label": "yes"');
    const e = await caught(() => readNlvr2([bad], 'dev.json'));
    expect(e.code).toBe('MF_DATA_FIELD');
    expect(e.at.path).toBe('/label');
  });
});

describe('readNlvr2Predictions', () => {
  it('reads the CSV metrics.py takes and names a bad line', async () => {
    const { readNlvr2Predictions } = await import('./nlvr2-predictions.ts');
    const p = await readNlvr2Predictions(['dev-1-0-0,True\ndev-1-1-0,false\n'], 'p.csv');
    expect([...p]).toEqual([
      ['dev-1-0-0', true],
      ['dev-1-1-0', false],
    ]);
    expect(await caught(() => readNlvr2Predictions(['dev-1-0-0,True\ndev-1-1-0,maybe\n'], 'p.csv'))).toMatchObject({ code: 'MF_DATA_CSV', at: { file: 'p.csv', line: 2 } });
  });
});
