import { string, type Dim } from '@modalflow/core';

/**
 * The batch axis of an input node. Inputs whose batches are named alike must be fed the same
 * number of examples; different names let one graph take, say, 1 image and K label prompts.
 */
export function batchParam() {
  return string({
    default: 'B',
    pattern: '^([A-Za-z_][A-Za-z0-9_]*|[1-9][0-9]*)$',
    description: 'Name of the batch axis (inputs with the same name must have the same batch; e.g. B for images, K for label prompts), or a fixed number of examples',
  });
}

export function batchDim(batch: string): Dim {
  return /^[0-9]+$/.test(batch) ? Number(batch) : batch;
}
