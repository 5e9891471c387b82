import { describe, expect, it } from 'vitest';
import { isModalflowError } from '@modalflow/core';
import type { GraphInput } from './graphInputs.ts';
import { buildInputs, defaultSize, generatedTensor, inputSymbols, resolveSizes, textStrings, type ImageItem, type InputValue } from './inputValues.ts';

const input = (name: string, kind: GraphInput['kind'], dtype: GraphInput['dtype'], shape: GraphInput['shape'], extra: Partial<GraphInput> = {}): GraphInput => ({
  name, node: name.split('.')[0]!, port: name.split('.')[1] ?? 'value', kind, dtype, shape, description: '', labels: false, ...extra,
});

const image = (name: string, width: number, height: number, fill = 0): ImageItem => ({ name, width, height, pixels: new Uint8Array(width * height * 3).fill(fill), url: `/${name}` });

const inputs = [
  input('image', 'image', 'uint8', ['B', 'H_image', 'W_image', 3]),
  input('question', 'text', 'string', ['B']),
  input('targets', 'tensor', 'float32', ['B', 5]),
  input('ids', 'tensor', 'int64', ['B', 'T']),
];

describe('sizes of symbolic dims', () => {
  it('takes sizes from pictures and texts, the rest from the panel or a default', () => {
    const values: Record<string, InputValue> = {
      image: { kind: 'image', images: [image('a', 4, 3), image('b', 4, 3)] },
      question: { kind: 'text', text: 'one\n\ntwo\n' },
    };
    const s = resolveSizes(inputs, values, { T: 5, B: 9 });
    expect(s.sizes).toEqual({ B: 2, H_image: 3, W_image: 4, T: 5 });
    expect(s.fixedBy).toEqual({ B: 'image', H_image: 'image', W_image: 'image' });
    expect(s.problems).toEqual([]);
    expect(resolveSizes(inputs, {}, {}).sizes).toEqual({ B: 1, H_image: 8, W_image: 8, T: 8 });
    expect(defaultSize('B', inputs)).toBe(1);
    expect(inputSymbols(inputs)).toEqual(['B', 'H_image', 'W_image', 'T']);
  });

  it('reports two inputs that disagree on one size, naming both', () => {
    const values: Record<string, InputValue> = {
      image: { kind: 'image', images: [image('a', 4, 3)] },
      question: { kind: 'text', text: 'one\ntwo' },
    };
    expect(resolveSizes(inputs, values, {}).problems.map((p) => p.message)).toEqual(['size "B" is 1 in input "image" but 2 in input "question"']);
  });
});

describe('video inputs', () => {
  const video = [input('video', 'video', 'uint8', ['N', 32, 32, 3], { media: { frames: 4, fps: 0, height: 32, width: 32 } }), input('text', 'text', 'string', ['B'])];

  it('start with one whole clip of random frames', () => {
    expect(defaultSize('N', video)).toBe(4);
    const s = resolveSizes(video, { video: { kind: 'tensor', mode: 'random', seed: 1 }, text: { kind: 'text', text: 'what is moving?' } }, {});
    expect(s.sizes).toEqual({ N: 4, B: 1 });
    expect(s.problems).toEqual([]);
  });

  it('name a frame count that is not a whole number of clips before anything runs', () => {
    const s = resolveSizes(video, {}, { N: 6 });
    expect(s.problems).toEqual([
      { code: 'MF_INPUT_SHAPE', message: 'input "video" holds 6 pictures, not a whole number of 4-frame clips: set size "N" to a multiple of 4, or choose a video file', at: { node: 'video' } },
    ]);
    expect(resolveSizes(video, {}, { N: 8 }).problems).toEqual([]);
  });
});

describe('text inputs', () => {
  it('feeds one example per line, or a label list whole for the split node', () => {
    expect(textStrings(inputs[1]!, ' a cat \n\n a dog')).toEqual(['a cat', 'a dog']);
    expect(textStrings(input('labels', 'text', 'string', ['L'], { labels: true }), ' cat, dog \n')).toEqual(['cat, dog']);
  });
});

describe('generated values', () => {
  it('are the same for the same seed, so the engine cache can hit, and differ for another', () => {
    const spec = inputs[2]!;
    const a = generatedTensor(spec, [2, 5], 'random', 1);
    expect(generatedTensor(spec, [2, 5], 'random', 1)).toEqual(a);
    expect(generatedTensor(spec, [2, 5], 'random', 2).data).not.toEqual(a.data);
    for (const v of a.data as Float32Array) expect(v >= 0 && v < 1).toBe(true);
    expect(Array.from(generatedTensor(spec, [2, 5], 'zeros', 1).data as Float32Array)).toEqual(new Array(10).fill(0));
  });

  it('draws integers as 0 or 1, valid masks and two-class targets', () => {
    const t = generatedTensor(inputs[3]!, [4, 8], 'random', 3);
    expect(t.dtype).toBe('int64');
    expect(new Set(Array.from(t.data as BigInt64Array, Number))).toEqual(new Set([0, 1]));
  });

  it('draws region boxes with ordered corners', () => {
    const t = generatedTensor(input('regions.boxes', 'regions', 'float32', ['B', 'N', 4]), [1, 6, 4], 'random', 1);
    const d = t.data as Float32Array;
    for (let i = 0; i < d.length; i += 4) {
      expect(d[i]!).toBeLessThanOrEqual(d[i + 2]!);
      expect(d[i + 1]!).toBeLessThanOrEqual(d[i + 3]!);
    }
  });
});

describe('buildInputs', () => {
  it('packs pictures into [N, H, W, 3] and makes fresh arrays every time', () => {
    const values: Record<string, InputValue> = {
      image: { kind: 'image', images: [image('a', 2, 1, 7), image('b', 2, 1, 9)] },
      question: { kind: 'text', text: 'x\ny' },
      targets: { kind: 'tensor', mode: 'random', seed: 1 },
      ids: { kind: 'tensor', mode: 'file', file: 'ids.json', tensor: { dtype: 'int64', dims: [2, 3], data: new BigInt64Array(6) } },
    };
    const first = buildInputs(inputs, values, {});
    expect(first.tensors['image']).toMatchObject({ dtype: 'uint8', dims: [2, 1, 2, 3] });
    expect(Array.from(first.tensors['image']!.data as Uint8Array)).toEqual([7, 7, 7, 7, 7, 7, 9, 9, 9, 9, 9, 9]);
    expect(first.tensors['question']).toEqual({ dtype: 'string', dims: [2], data: ['x', 'y'] });
    expect(first.tensors['targets']!.dims).toEqual([2, 5]);
    expect(first.sizes.sizes['T']).toBe(3);
    const second = buildInputs(inputs, values, {});
    expect(second.tensors['ids']!.data).not.toBe(first.tensors['ids']!.data);
    expect(second.tensors['ids']!.data).not.toBe((values['ids'] as { tensor: { data: unknown } }).tensor.data);
  });

  it('lists every missing or mismatched value at once', () => {
    try {
      buildInputs(inputs, { question: { kind: 'text', text: '  ' }, ids: { kind: 'tensor', mode: 'file', file: 'x.npy', tensor: { dtype: 'int64', dims: [3], data: new BigInt64Array(3) } } }, {});
      expect.unreachable();
    } catch (e) {
      expect(isModalflowError(e)).toBe(true);
      expect((e as { problems: { code: string }[] }).problems.map((p) => p.code)).toEqual(['MF_INPUT_SHAPE', 'MF_INPUT_MISSING', 'MF_INPUT_MISSING', 'MF_INPUT_MISSING']);
    }
  });
});
