import type { GraphInput } from './graphInputs.ts';
import type { InputValue } from './inputValues.ts';
import { SAMPLES, defaultText, sampleImage } from './samples.ts';

/** Whether a value chosen earlier (for a graph with an input of the same name) suits this input. */
export const fits = (input: GraphInput, v: InputValue | undefined) =>
  !!v && (v.kind === input.kind || (v.kind === 'tensor' && (input.kind === 'tensor' || input.kind === 'regions' || input.kind === 'audio' || input.kind === 'video'))) && pictureSizeFits(input, v);

/** Pictures chosen for another graph's input of the same name are kept only where they have this input's fixed size. */
function pictureSizeFits(input: GraphInput, v: InputValue): boolean {
  const size = fixedImageSize(input);
  const first = v.kind === 'image' ? v.images[0] : undefined;
  return !size || !first || (first.width === size.width && first.height === size.height);
}

/** The picture size an image input fixes (its height and width params), which every picture given to it is scaled to. */
export function fixedImageSize(input: GraphInput): { width: number; height: number } | undefined {
  const [, height, width] = input.shape;
  return input.kind === 'image' && typeof height === 'number' && typeof width === 'number' ? { width, height } : undefined;
}

/** The value an input starts with: the first sample picture (at the input's size), a sentence, or random numbers. */
export async function defaultValue(input: GraphInput): Promise<InputValue> {
  if (input.kind === 'image') return { kind: 'image', images: [await sampleImage(SAMPLES[0]!, fixedImageSize(input))] };
  if (input.kind === 'text') return { kind: 'text', text: defaultText(input.name, input.labels) };
  return { kind: 'tensor', mode: 'random', seed: 1 };
}
