import type { AnyNodeDef } from '@modalflow/core';
import image from './image.ts';
import tokenizeWords from './tokenize-words.ts';

export const PREPROCESSING_NODES: AnyNodeDef[] = [image, tokenizeWords];
