import type { AnyNodeDef } from '@modalflow/core';
import image from './image.ts';
import tokenizeWords from './tokenize-words.ts';
import tokenizeHf from './tokenize-hf.ts';
import clipImage from './clip-image.ts';
import textSplit from './text-split.ts';
import logMel from './log-mel.ts';
import teacherForcing from './teacher-forcing.ts';
import classPrompts from './class-prompts.ts';
import pretrainViews from './pretrain-views.ts';

export const PREPROCESSING_NODES: AnyNodeDef[] = [image, tokenizeWords, tokenizeHf, clipImage, textSplit, logMel, teacherForcing, classPrompts, pretrainViews];
