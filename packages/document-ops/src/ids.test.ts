import { describe, expect, it } from 'vitest';
import { NODE_ID_RE } from '@modalflow/core';
import { freshId, idStem } from './ids.ts';

describe('ids', () => {
  it('derives a stem from the type name', () => {
    expect(idStem('layer.layer_norm')).toBe('layer_norm');
    expect(idStem('text_proj_3')).toBe('text_proj');
    expect(idStem('x.2d')).toBe('n_2d');
  });

  it('skips taken ids and always yields a valid id', () => {
    const taken = new Set(['linear', 'linear_2']);
    expect(freshId('layer.linear', taken)).toBe('linear_3');
    expect(freshId('linear_2', taken)).toBe('linear_3');
    expect(NODE_ID_RE.test(freshId('a.b-c', new Set()))).toBe(true);
  });
});
