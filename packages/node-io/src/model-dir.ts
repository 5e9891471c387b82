import { modelFolderFile } from '@modalflow/core';
/** A Hugging Face Optimum / transformers.js model folder given with --model-dir. */
export interface ModelDir {
  dir: string;
  /** As the user wrote it, for messages. */
  shown: string;
  variant?: string | undefined;
}

/** The file in the model folder that stands for an asset URI (see core's modelFolderFile). */
export const modelDirFile = modelFolderFile;
