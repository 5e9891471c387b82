import { describe, expect, it } from 'vitest';
import type { GraphInput } from './graphInputs.ts';
import { fits, fixedImageSize } from './defaults.ts';
import type { ImageItem, InputValue } from './inputValues.ts';

const imageInput = (shape: GraphInput['shape']): GraphInput => ({ name: 'image', node: 'image', port: 'pixels', kind: 'image', dtype: 'uint8', shape, description: '', labels: false });
const picture = (width: number, height: number): InputValue => {
  const item: ImageItem = { name: 'p', width, height, pixels: new Uint8Array(width * height * 3), url: '/p' };
  return { kind: 'image', images: [item] };
};

describe('image inputs of a fixed size', () => {
  it('read the size from the input shape [B, H, W, 3], and none where it is symbolic', () => {
    expect(fixedImageSize(imageInput(['B', 32, 48, 3]))).toEqual({ width: 48, height: 32 });
    expect(fixedImageSize(imageInput(['B', 'H_image', 'W_image', 3]))).toBeUndefined();
  });

  it('keep a picture chosen for another graph only where it has the size this input fixes', () => {
    expect(fits(imageInput(['B', 32, 32, 3]), picture(32, 32))).toBe(true);
    expect(fits(imageInput(['B', 32, 32, 3]), picture(128, 128))).toBe(false);
    expect(fits(imageInput(['B', 'H_image', 'W_image', 3]), picture(128, 128))).toBe(true);
  });
});
