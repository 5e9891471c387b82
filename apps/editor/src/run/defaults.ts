import type { GraphInput } from './graphInputs.ts';
import type { InputValue } from './inputValues.ts';
import { SAMPLES, defaultText, sampleImage } from './samples.ts';

/** Whether a value chosen earlier (for a graph with an input of the same name) suits this input. */
export const fits = (input: GraphInput, v: InputValue | undefined) =>
  !!v && (v.kind === input.kind || (v.kind === 'tensor' && (input.kind === 'tensor' || input.kind === 'regions' || input.kind === 'audio' || input.kind === 'video')));

/** The value an input starts with: the first sample picture, a sentence, or random numbers. */
export async function defaultValue(input: GraphInput): Promise<InputValue> {
  if (input.kind === 'image') return { kind: 'image', images: [await sampleImage(SAMPLES[0]!)] };
  if (input.kind === 'text') return { kind: 'text', text: defaultText(input.name, input.labels) };
  return { kind: 'tensor', mode: 'random', seed: 1 };
}
