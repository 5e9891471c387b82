import { describe, expect, it } from 'vitest';
import { checkOp } from '../testing/gradcheck.ts';
import { CASES } from './cases.ts';
import { checkOpFloat32 } from './check-float32.ts';
import { OP_LIST } from './index.ts';

/**
 * Float32-only ops are compared at 1e-3: float32 rounding of the loss over a 1e-2 step is about
 * 1e-5 relative, so this still fails by orders of magnitude on a wrong rule.
 */
const FLOAT32_TOLERANCE = 1e-3;

describe('gradient rules against central finite differences (float64)', () => {
  for (const [op, cases] of Object.entries(CASES)) {
    cases.forEach((c, k) => {
      it(`${op} #${k + 1}${c.float32 ? ' (op in float32)' : ''}`, async () => {
        const r = c.float32 ? await checkOpFloat32(c) : await checkOp(c);
        expect(r.checked).toBeGreaterThan(0);
        expect(r.worst).toBeLessThan(c.float32 ? FLOAT32_TOLERANCE : 1e-6);
      });
    });
  }

  it('every differentiable op with a rule has a case', () => {
    const missing = OP_LIST.filter((op) => op.grad && op.differentiable !== false && !CASES[op.type] && op.type !== 'ScatterND').map((op) => op.type);
    expect(missing).toEqual([]);
  });
});
