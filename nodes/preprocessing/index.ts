import type { AnyNodeDef } from '@modalflow/core';
import image from './image.ts';
import tokenizeWords from './tokenize-words.ts';
import tokenizeHf from './tokenize-hf.ts';
import clipImage from './clip-image.ts';
import textSplit from './text-split.ts';
import classPrompts from './class-prompts.ts';
import pretrainViews from './pretrain-views.ts';

export const PREPROCESSING_NODES: AnyNodeDef[] = [image, tokenizeWords, tokenizeHf, clipImage, textSplit, classPrompts, pretrainViews];
