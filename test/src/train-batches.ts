import type { Tensor } from '@modalflow/core';
import { examplesOf, generateWorld } from '@modalflow/world';

/**
 * Fixed batches of teaching-world pictures and captions for the tiny CLIP graph, in order
 * (no shuffling): Node and the browser build the very same ones from the seed.
 */
export function worldBatches(count: number, batchSize: number, seed: number): Record<string, Tensor>[] {
  const world = generateWorld({ seed, count: Math.ceil((count * batchSize) / 0.8) + batchSize });
  const train = examplesOf(world, 'train');
  const batches: Record<string, Tensor>[] = [];
  for (let b = 0; b < count; b++) {
    const rows = train.slice(b * batchSize, (b + 1) * batchSize);
    if (rows.length < batchSize) throw new Error('the world is too small for the batches asked for');
    const [h, w] = rows[0]!.image.dims as [number, number, number];
    const pixels = new Uint8Array(batchSize * h * w * 3);
    rows.forEach((r, k) => pixels.set(r.image.data as Uint8Array, k * h * w * 3));
    batches.push({
      image: { dtype: 'uint8', dims: [batchSize, h, w, 3], data: pixels },
      text: { dtype: 'string', dims: [batchSize], data: rows.map((r) => r.caption) },
    });
  }
  return batches;
}

/**
 * Fixed batches of random features for the tiny late-fusion graph, labelled by the sign of the
 * first text feature and of the first image feature, so there is something to learn.
 */
export function lateFusionBatches(count: number, batchSize: number, seed: number): Record<string, Tensor>[] {
  let s = seed >>> 0 || 1;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
  return Array.from({ length: count }, () => {
    const text = Float32Array.from({ length: batchSize * 16 }, next);
    const image = Float32Array.from({ length: batchSize * 32 }, next);
    const label = BigInt64Array.from({ length: batchSize }, (_, k) => BigInt((text[k * 16]! > 0 ? 2 : 0) + (image[k * 32]! > 0 ? 1 : 0)));
    return {
      text: { dtype: 'float32', dims: [batchSize, 16], data: text },
      image: { dtype: 'float32', dims: [batchSize, 32], data: image },
      label: { dtype: 'int64', dims: [batchSize], data: label },
    };
  });
}

export function batchesFor(example: 'clip' | 'late-fusion', count: number, batchSize: number, seed: number): Record<string, Tensor>[] {
  return example === 'clip' ? worldBatches(count, batchSize, seed) : lateFusionBatches(count, batchSize, seed);
}
