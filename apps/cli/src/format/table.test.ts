import { expect, it } from 'vitest';
import { formatTable } from './table.ts';

it('aligns columns, right-aligning where asked, without trailing spaces', () => {
  const text = formatTable(
    [
      ['node', 'shape', 'params'],
      ['text_proj', 'B×24', '408'],
      ['head', 'B×4', '1,764'],
    ],
    ['left', 'left', 'right'],
  );
  expect(text.split('\n')).toEqual([
    'node       shape  params',
    'text_proj  B×24      408',
    'head       B×4     1,764',
  ]);
});
