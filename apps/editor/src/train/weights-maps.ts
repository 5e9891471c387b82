import { parseWeightsMap, type WeightsMap } from '@modalflow/core';

export interface BundledWeightsMap {
  /** `<example>/<map>`, e.g. `clip/hf`: what the picker shows. */
  id: string;
  map: WeightsMap;
}

// Every examples/<name>/weights-maps/<map>.json, bundled at build time (the key lists one
// folder deeper are not maps and are not matched).
const files = import.meta.glob<string>('../../../../examples/*/weights-maps/*.json', { query: '?raw', import: 'default', eager: true });

/** The checkpoint maps the command line finds beside each example graph, for the weights loader. */
export function bundledWeightsMaps(sources: Record<string, string> = files): BundledWeightsMap[] {
  const out: BundledWeightsMap[] = [];
  for (const [path, text] of Object.entries(sources)) {
    const parts = path.split('/');
    const id = `${parts.at(-3)}/${parts.at(-1)!.replace(/\.json$/, '')}`;
    try {
      out.push({ id, map: parseWeightsMap(text, path) });
    } catch {
      // A map that does not parse is left out of the picker; its test reports it.
    }
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}
