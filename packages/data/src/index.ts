export { openManifest, fromRows, type ManifestText } from './open.ts';
export { fromNpyFolder, type NpyFolder, type NpyFolderOptions } from './npy-folder.ts';
export { Dataset, type SplitOptions } from './dataset.ts';
export type { Batch, BatchFailure, BatchOptions, BatchResult } from './batch.ts';
export type { DatasetOptions, Example, InputSpec, Loaders } from './spec.ts';
export { DataCodes, type DataCode, type DataLocation } from './errors.ts';
export { dataRng, shuffled } from './shuffle.ts';
export { ValueError, jsonToTensor, jsonInputToTensor, nestedShape, parseJsonValue, MAX_RANK } from './json-values.ts';
export { fewShot } from './few-shot.ts';
