import { describe, expect, it } from 'vitest';
import { itmMetrics } from './itm.ts';

describe('itmMetrics', () => {
  it('computes AUC as the share of (match, non-match) pairs ordered right, ties one half', () => {
    // Matches 0.9, 0.4; non-matches 0.4, 0.1. Pairs: (0.9>0.4) 1, (0.9>0.1) 1, (0.4=0.4) 0.5, (0.4>0.1) 1 -> 3.5/4.
    const r = itmMetrics([0.9, 0.4, 0.4, 0.1], [true, true, false, false]);
    expect(r.auc).toBe(3.5 / 4);
    expect(r.accuracy).toBe(75);
  });

  it('needs both classes', () => {
    expect(() => itmMetrics([0.2, 0.3], [true, true])).toThrow(/MF_METRIC_INPUT/);
  });
});
