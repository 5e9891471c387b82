import type { AnyNodeDef } from '@modalflow/core';

export const LOSS_NODES: AnyNodeDef[] = [];
