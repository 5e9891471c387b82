import { describe, expect, it } from 'vitest';
import { jsonInputToTensor, nestedShape } from './json-values.ts';

/** Shape faults as a graph input reports them, naming the input. */
const inputShape = (value: unknown, input: string) => jsonInputToTensor(value, 'float32', input).dims;

describe('nestedShape', () => {
  it('measures rectangular arrays', () => {
    expect(nestedShape(5)).toEqual([]);
    expect(nestedShape([])).toEqual([0]);
    expect(nestedShape([[1, 2, 3], [4, 5, 6]])).toEqual([2, 3]);
    expect(nestedShape([[[1], [2]]])).toEqual([1, 2, 1]);
  });

  it('names the input and the ragged position', () => {
    expect(() => inputShape([[1, 2, 3], [4, 5]], 'text')).toThrow(
      'MF_BAD_INPUT: input "text": ragged array: [1] has 2 items, but [0] has 3 (node "text")',
    );
    expect(() => inputShape([[1, 2], 3], 'x')).toThrow(/ragged array: \[1\] is 3, but \[0\] is a list of 2/);
    expect(() => inputShape([1, [2]], 'x')).toThrow(/ragged array: \[1\] is a list, but \[0\] is a single value/);
    expect(() => inputShape([[[1, 2], [3, 4]], [[5, 6], [7]]], 'x')).toThrow(/\[1\]\[1\] has 1 items, but \[0\]\[0\] has 2/);
  });
});

describe('jsonInputToTensor', () => {
  it('makes the dtype the graph expects', () => {
    expect(jsonInputToTensor([[1, 2.5]], 'float32', 'x')).toEqual({ dtype: 'float32', dims: [1, 2], data: new Float32Array([1, 2.5]) });
    expect(jsonInputToTensor([1, 2], 'int64', 'x')).toEqual({ dtype: 'int64', dims: [2], data: new BigInt64Array([1n, 2n]) });
    expect(jsonInputToTensor([1, -2], 'int32', 'x').data).toEqual(new Int32Array([1, -2]));
    expect(jsonInputToTensor([0, 255], 'uint8', 'x').data).toEqual(new Uint8Array([0, 255]));
    expect(jsonInputToTensor([true, false, 1, 0], 'bool', 'x').data).toEqual(new Uint8Array([1, 0, 1, 0]));
    expect(jsonInputToTensor(['a', 'b,c'], 'string', 'x')).toEqual({ dtype: 'string', dims: [2], data: ['a', 'b,c'] });
    expect(jsonInputToTensor(3, 'float32', 'x')).toEqual({ dtype: 'float32', dims: [], data: new Float32Array([3]) });
  });

  it('keeps int64 beyond 2^53 given as digit strings', () => {
    expect(jsonInputToTensor(['9007199254740993'], 'int64', 'x').data).toEqual(new BigInt64Array([9007199254740993n]));
  });

  it('converts float16 to half bits', () => {
    expect(jsonInputToTensor([1, -2], 'float16', 'x').data).toEqual(new Uint16Array([0x3c00, 0xc000]));
  });

  it('refuses values the dtype cannot hold, naming input and position', () => {
    expect(() => jsonInputToTensor([[1, 2.5]], 'int64', 'ids')).toThrow(
      'input "ids": the value at [0][1] is 2.5, but the input is int64 (needs an integer in int64 range)',
    );
    expect(() => jsonInputToTensor([256], 'uint8', 'px')).toThrow(/\[0\] is 256, but the input is uint8 \(needs an integer in \[0, 255\]\)/);
    expect(() => jsonInputToTensor([1, 'a'], 'float32', 'x')).toThrow(/\[1\] is "a", but the input is float32 \(needs a number within float32 range\)/);
    expect(() => jsonInputToTensor([2], 'bool', 'm')).toThrow(/needs true\/false or 1\/0/);
    expect(() => jsonInputToTensor([1], 'string', 't')).toThrow(/needs a string/);
    expect(() => jsonInputToTensor([null], 'float32', 'x')).toThrow(/\[0\] is null/);
  });

  it('refuses numbers a dtype would turn into infinity or wrap around, and absurd nesting', () => {
    expect(() => jsonInputToTensor([1e39], 'float32', 'x')).toThrow(/\[0\] is 1e\+39, but the input is float32 \(needs a number within float32 range\)/);
    expect(jsonInputToTensor([3.4028234663852886e38], 'float32', 'x').data).toEqual(new Float32Array([3.4028234663852886e38]));
    expect(() => jsonInputToTensor([70000], 'float16', 'x')).toThrow(/needs a number within float16 range/);
    expect(() => jsonInputToTensor(['9223372036854775808'], 'int64', 'x')).toThrow(/needs an integer in int64 range/);
    expect(jsonInputToTensor(['-9223372036854775808'], 'int64', 'x').data).toEqual(new BigInt64Array([-(2n ** 63n)]));
    expect(() => jsonInputToTensor(['1'.repeat(100000)], 'int64', 'x')).toThrow(/needs an integer in int64 range/);
    const deep = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000));
    expect(() => jsonInputToTensor(deep, 'float32', 'x')).toThrow(/MF_BAD_INPUT: input "x": the array is nested more than 32 levels deep/);
  });
});
