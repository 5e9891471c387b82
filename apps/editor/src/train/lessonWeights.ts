// The weights files lessons start from, emitted beside the build and fetched only when a lesson
// trains (bundling their bytes into the page would load a megabyte for every visitor).
const urls = import.meta.glob<string>(
  ['../../../../examples/linear-probe/clip.safetensors', '../../../../examples/distillation/teacher.safetensors', '../../../../examples/pretrain-finetune/pretrained.safetensors'],
  { query: '?url', import: 'default', eager: true },
);

/** Where the page serves `examples/<folder>/<file>.safetensors`, or null when no lesson ships it. */
export function lessonWeightsUrl(path: string, sources: Record<string, string> = urls): string | null {
  const entry = Object.entries(sources).find(([k]) => k.endsWith(`/${path}`));
  return entry ? entry[1] : null;
}

/** The bytes of a lesson's weights file; throws an error naming the file when it cannot be had. */
export async function fetchLessonWeights(path: string, sources: Record<string, string> = urls): Promise<Uint8Array> {
  const url = lessonWeightsUrl(path, sources);
  if (!url) throw new Error(`${path} is not among the weights files the editor ships with its lessons`);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${path} could not be fetched (HTTP ${response.status})`);
  return new Uint8Array(await response.arrayBuffer());
}
