import type { AnyNodeDef } from '@modalflow/core';

export const ENCODER_NODES: AnyNodeDef[] = [];
