import { describe, expect, it } from 'vitest';
import { ModalflowError, formatLocation } from './errors.ts';

describe('formatLocation', () => {
  it('puts a line number after the file, as editors and terminals link it', () => {
    expect(formatLocation({ file: 'captions.csv', line: 12 })).toBe('captions.csv:12');
    expect(formatLocation({ line: 3 })).toBe('line 3');
    expect(formatLocation({ file: 'dev.json', line: 4, path: '/label' })).toBe('dev.json:4, at /label');
    expect(new ModalflowError('MF_DATA_CSV', 'bad row', { file: 'a.csv', line: 2 }).message).toBe('MF_DATA_CSV: bad row (a.csv:2)');
  });
});
