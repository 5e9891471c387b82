import type { AnyNodeDef } from '@modalflow/core';

export const POOLING_NODES: AnyNodeDef[] = [];
