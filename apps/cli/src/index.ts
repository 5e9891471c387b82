export { runCli, EXIT } from './cli.ts';
export type { Io } from './io.ts';
export { readNpy, writeNpy, readNpyHeader } from '@modalflow/core';
export { decodeImage, decodePng, decodeJpeg } from './inputs/image.ts';
export { jsonToTensor, nestedShape } from './inputs/json-array.ts';
export { parseInputValue, splitInputArg } from './inputs/parse-input.ts';
export { formatValues, formatTensorBlock, tensorToJson } from './format/tensor.ts';
