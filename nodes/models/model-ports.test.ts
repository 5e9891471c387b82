import { describe, expect, it } from 'vitest';
import { DimsError, parseDims, portNames } from './model-ports.ts';

describe('portNames', () => {
  it('keeps identifiers and makes the rest into unique ones', () => {
    expect(portNames(['input_ids', 'input.1', 'onnx::Conv_0', '442', '', 'a b', 'a_b'], 'input')).toEqual([
      'input_ids', 'input_1', 'onnx_Conv_0', '_442', 'input_4', 'a_b_2', 'a_b',
    ]);
  });

  it('never names a port after a member of every object', () => {
    expect(portNames(['__proto__', 'constructor', 'to.String'], 'output')).toEqual(['__proto___', 'constructor_', 'to_String']);
  });
});

describe('parseDims', () => {
  it('reads names and tensor[axis] positions, mapped to symbols or sizes', () => {
    const m = parseDims(' batch_size = B, sequence_length=T;\ninput_ids[1]=77 ');
    expect([...m.named]).toEqual([['batch_size', 'B'], ['sequence_length', 'T']]);
    expect([...m.positional]).toEqual([['input_ids[1]', 77]]);
    expect(parseDims('').named.size).toBe(0);
  });

  it('refuses what it cannot read, saying what is wrong', () => {
    expect(() => parseDims('B')).toThrow(DimsError);
    expect(() => parseDims('a=B, a=T')).toThrow(/given twice/);
    expect(() => parseDims('a=-1')).toThrow(/neither a size nor a symbol/);
    expect(() => parseDims('a=99999999999')).toThrow(/over the largest size/);
  });
});
