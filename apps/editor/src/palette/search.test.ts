import { describe, expect, it } from 'vitest';
import { fixtureRegistry } from '../test/fixtures.ts';
import { searchTypes } from './search.ts';

const items = fixtureRegistry().list().map((def) => ({ def }));
const types = (q: string) => searchTypes(items, q).map((i) => i.def.type);

describe('palette search', () => {
  it('ranks title matches first and needs every word', () => {
    expect(types('')).toHaveLength(items.length);
    expect(types('fixture')[0]).toMatch(/fx/);
    expect(types('linear')).toEqual(['layer.fx_linear']);
    expect(types('maps last')).toEqual(['layer.fx_linear']);
    expect(types('encoders')).toEqual(['encoder.fx_seq']);
    expect(types('nothing-like-this')).toEqual([]);
  });
});
