import { decodeImage } from './decodeImage.ts';
import type { ImageItem } from './inputValues.ts';

/** Pictures shipped with the editor (public/samples/, drawn by scripts/make-samples.ts). */
export interface Sample {
  file: string;
  name: string;
  /** A caption and a question that fit the picture, to start from. */
  caption: string;
}

export const SAMPLES: readonly Sample[] = [
  { file: 'red-circle.png', name: 'Red circle', caption: 'a red circle on a blue background' },
  { file: 'green-squares.png', name: 'Green squares', caption: 'three green squares in a row' },
  { file: 'sunset.png', name: 'Sunset', caption: 'a yellow sun over the horizon' },
];

export const sampleUrl = (s: Sample) => `${import.meta.env.BASE_URL}samples/${s.file}`;

/** A sample decoded like an uploaded picture, optionally resized to join a batch. */
export async function sampleImage(sample: Sample, fit?: { width: number; height: number }): Promise<ImageItem> {
  const url = sampleUrl(sample);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${sample.file}: HTTP ${response.status}`);
  return decodeImage(await response.blob(), sample.name, url, fit);
}

/** Starting text for a text input: labels to choose between, a question, or a caption. */
export function defaultText(name: string, labels: boolean): string {
  if (labels) return 'a red circle, green squares, a sunset';
  if (/question|query/i.test(name)) return 'what color is the circle?';
  return SAMPLES[0]!.caption;
}
