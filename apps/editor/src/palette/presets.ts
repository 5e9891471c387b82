import type { AnyNodeDef, NodeRegistry, ParamSpecs } from '@modalflow/core';

/** `<type>#<preset>` names a preset where a node type is expected (palette drags, the picker). */
export const PRESET_SEP = '#';

export function splitPreset(key: string): { type: string; preset: string | undefined } {
  const i = key.indexOf(PRESET_SEP);
  return i < 0 ? { type: key, preset: undefined } : { type: key.slice(0, i), preset: key.slice(i + 1) };
}

/**
 * A preset seen as an entry of its own: the type's definition under the preset's key, title,
 * category and docs, with its params as the defaults, so palette, search and tooltip need
 * nothing special for it.
 */
export function presetEntries(def: AnyNodeDef): AnyNodeDef[] {
  return (def.presets ?? []).map((p) => ({
    ...def,
    type: `${def.type}${PRESET_SEP}${p.name}`,
    title: p.title,
    category: p.category ?? def.category,
    doc: p.doc ?? def.doc,
    params: Object.fromEntries(
      Object.entries(def.params as ParamSpecs).map(([k, spec]) => [k, k in p.params ? { ...spec, default: p.params[k] } : spec]),
    ) as ParamSpecs,
  }));
}

/** A node type, or a preset by its key. */
export function entryFor(types: NodeRegistry, key: string): AnyNodeDef | undefined {
  const { type, preset } = splitPreset(key);
  const def = types.get(type);
  return preset === undefined ? def : def && presetEntries(def).find((e) => e.type === key);
}
