import type { AnyNodeDef } from '@modalflow/core';
import patchEmbed from './patch-embed.ts';
import tokenEmbed from './token-embed.ts';
import regionEmbed from './region-embed.ts';
import transformer from './transformer.ts';
import mlp from './mlp.ts';
import lstm from './lstm.ts';
import audio from './audio.ts';

export const ENCODER_NODES: AnyNodeDef[] = [patchEmbed, tokenEmbed, regionEmbed, transformer, mlp, lstm, audio];
