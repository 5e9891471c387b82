export { runCli, EXIT } from './cli.ts';
export type { Io } from './io.ts';
export { readNpy, writeNpy, readNpyHeader } from '@modalflow/core';
export { decodeImage, decodePng, decodeJpeg } from '@modalflow/node-io';
export { jsonInputToTensor as jsonToTensor, nestedShape } from '@modalflow/node-io';
export { parseInputValue, splitInputArg } from '@modalflow/node-io';
export { formatValues, formatTensorBlock, tensorToJson } from './format/tensor.ts';
