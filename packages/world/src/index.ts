export * from './vocabulary.ts';
export {
  DEFAULT_OPTIONS, QUESTION_KINDS, TASKS, isHeldOut, resolveOptions, seenCombos,
  type Background, type Combo, type QuestionKind, type ResolvedWorldOptions, type Split,
  type WorldOptions, type WorldTask,
} from './options.ts';
export type { PixelBox } from './geometry.ts';
export type { Scene, WorldObject } from './scene.ts';
export { askableKinds, caption, maxTextTokens, type QuestionAnswer } from './language.ts';
export { FEATURE_SLOTS, IGNORED, attributeCode, sceneRegions, type Regions } from './regions.ts';
export { generateExample, generateWorld, type World, type WorldExample } from './world.ts';
export { SPLITS, examplesOf, splitWorld } from './split.ts';
export { WORLD_NAMES, WORLD_SCHEME, formatWorldSpec, parseWorldSpec } from './spec.ts';
export { encodePng } from './png.ts';
export { manifestRow, worldFiles, type ManifestRow, type WorldFilesOptions } from './files.ts';
export { worldRow, type GraphInputLike } from './graph-inputs.ts';
