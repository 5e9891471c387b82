/**
 * Writes the late-fusion training data: 4 classes that neither modality can tell apart alone.
 * The text features say which half of the classes an example is in ({0,1} or {2,3}); the image
 * features say which of the two within the half ({0,2} or {1,3}). A model that reads only one
 * modality tops out at 50% accuracy; fusing both can reach 100%.
 *
 *   npx tsx examples/late-fusion/make-data.ts
 *
 * Deterministic (the project's seeded PRNG, uniform noise), so the committed files are what it writes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Xoshiro128, sha256Bytes, writeNpy, type Tensor } from '@modalflow/core';

const here = fileURLToPath(new URL('.', import.meta.url));

function prototypes(rng: Xoshiro128, count: number, dim: number): Float32Array[] {
  return Array.from({ length: count }, () => Float32Array.from({ length: dim }, () => rng.nextUnit() * 2 - 1));
}

function split(name: string, n: number, seed: string): void {
  const rng = new Xoshiro128(sha256Bytes(`late-fusion-data:${seed}`));
  const protoRng = new Xoshiro128(sha256Bytes('late-fusion-data:prototypes'));
  const textProto = prototypes(protoRng, 2, 16);
  const imageProto = prototypes(protoRng, 2, 32);
  const text = new Float32Array(n * 16);
  const image = new Float32Array(n * 32);
  const label = new BigInt64Array(n);
  const noise = 1.2;
  for (let k = 0; k < n; k++) {
    const c = Math.floor(rng.nextUnit() * 4);
    label[k] = BigInt(c);
    const t = textProto[c >> 1]!;
    const v = imageProto[c & 1]!;
    for (let j = 0; j < 16; j++) text[k * 16 + j] = t[j]! + (rng.nextUnit() * 2 - 1) * noise;
    for (let j = 0; j < 32; j++) image[k * 32 + j] = v[j]! + (rng.nextUnit() * 2 - 1) * noise;
  }
  const dir = `${here}data/${name}/`;
  mkdirSync(dir, { recursive: true });
  const write = (file: string, t: Tensor) => writeFileSync(`${dir}${file}.npy`, writeNpy(t));
  write('text', { dtype: 'float32', dims: [n, 16], data: text });
  write('image', { dtype: 'float32', dims: [n, 32], data: image });
  write('label', { dtype: 'int64', dims: [n], data: label });
}

split('train', 1024, 'train');
split('eval', 256, 'eval');
