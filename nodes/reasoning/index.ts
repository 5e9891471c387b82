import type { AnyNodeDef } from '@modalflow/core';

export const REASONING_NODES: AnyNodeDef[] = [];
