import type { AnyNodeDef } from '@modalflow/core';
import tensorInput from './tensor-input.ts';
import imageInput from './image-input.ts';
import textInput from './text-input.ts';
import regionsInput from './regions-input.ts';
import audioInput from './audio-input.ts';
import videoInput from './video-input.ts';

export const INPUT_NODES: AnyNodeDef[] = [tensorInput, imageInput, textInput, regionsInput, audioInput, videoInput];
