import { describe, expect, it } from 'vitest';
import { checkOp } from '../testing/gradcheck.ts';
import { CASES } from './cases.ts';
import { OP_LIST } from './index.ts';

describe('gradient rules against central finite differences (float64)', () => {
  for (const [op, cases] of Object.entries(CASES)) {
    cases.forEach((c, k) => {
      it(`${op} #${k + 1}`, async () => {
        const r = await checkOp(c);
        expect(r.checked).toBeGreaterThan(0);
        expect(r.worst).toBeLessThan(1e-6);
      });
    });
  }

  it('every differentiable op with a rule has a case', () => {
    const missing = OP_LIST.filter((op) => op.grad && op.differentiable !== false && !CASES[op.type] && op.type !== 'ScatterND').map((op) => op.type);
    expect(missing).toEqual([]);
  });
});
