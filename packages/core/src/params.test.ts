import { describe, expect, it } from 'vitest';
import { bool, checkParam, choice, float, int, strings } from './params.ts';

describe('checkParam', () => {
  it('accepts values in range and refuses others with stable codes', () => {
    const dim = int({ default: 8, min: 1, max: 4096 });
    expect(checkParam(dim, 8)).toBeNull();
    expect(checkParam(dim, 0)?.code).toBe('MF_PARAM_RANGE');
    expect(checkParam(dim, 1.5)?.code).toBe('MF_PARAM_TYPE');
    expect(checkParam(dim, '8')?.code).toBe('MF_PARAM_TYPE');
    expect(checkParam(float({ default: 0.1, min: 0, max: 1 }), 2)?.message).toContain('outside the range [0, 1]');
    expect(checkParam(float({ default: 0.1 }), Number.NaN)?.code).toBe('MF_PARAM_TYPE');
    expect(checkParam(bool({ default: true }), 1)?.code).toBe('MF_PARAM_TYPE');
    expect(checkParam(choice(['a', 'b'], { default: 'a' }), 'c')?.code).toBe('MF_PARAM_CHOICE');
    expect(checkParam(strings({ default: [], maxItems: 2 }), ['a', 'b', 'c'])?.code).toBe('MF_PARAM_RANGE');
  });
});
