import type { AnyNodeDef } from '@modalflow/core';
import patchEmbed from './patch-embed.ts';
import transformer from './transformer.ts';

export const ENCODER_NODES: AnyNodeDef[] = [patchEmbed, transformer];
