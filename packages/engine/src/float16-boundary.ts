import { ModalflowError, floatToHalf, halfToFloat, type Tensor } from '@modalflow/core';

/**
 * A model exported in half precision takes and gives float16 tensors, while the graph around
 * it works in float32: the node shows float32 ports, and these convert at the model's edge.
 */
export function halveFeeds(feeds: Record<string, Tensor>, names: readonly string[]): void {
  for (const name of names) {
    const t = feeds[name];
    if (!t || t.dtype === 'float16') continue;
    if (t.dtype !== 'float32') {
      throw new ModalflowError('MF_INPUT_DTYPE', `model input "${name}" is float16 in the file; it takes float32 (converted) or float16, not ${t.dtype}`);
    }
    const src = t.data as Float32Array;
    const out = new Uint16Array(src.length);
    for (let k = 0; k < src.length; k++) out[k] = floatToHalf(src[k]!);
    feeds[name] = { dtype: 'float16', dims: t.dims, data: out };
  }
}

export function widenResults(result: Record<string, Tensor>, names: readonly string[]): Record<string, Tensor> {
  const out = { ...result };
  for (const name of names) {
    const t = out[name];
    if (!t || t.dtype !== 'float16') continue;
    const src = t.data as Uint16Array;
    const wide = new Float32Array(src.length);
    for (let k = 0; k < src.length; k++) wide[k] = halfToFloat(src[k]!);
    out[name] = { dtype: 'float32', dims: t.dims, data: wide };
  }
  return out;
}
