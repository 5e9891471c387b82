import { describe, expect, it } from 'vitest';
import { fittedSide } from './fittedSide.ts';

describe('fittedSide', () => {
  it('keeps the chosen width where the panel has room for the results', () => {
    expect(fittedSide(590, 1324)).toBe(590);
    expect(fittedSide(590, 870)).toBe(590);
  });
  it('narrows the inputs and stages so the results keep their room, down to a floor', () => {
    expect(fittedSide(590, 844)).toBe(564);
    expect(fittedSide(590, 684)).toBe(404);
    expect(fittedSide(590, 500)).toBe(400);
  });
  it('draws the chosen width until the panel is measured', () => {
    expect(fittedSide(590, 0)).toBe(590);
  });
});
