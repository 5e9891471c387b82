import type { AnyNodeDef } from '@modalflow/core';

export const PREPROCESSING_NODES: AnyNodeDef[] = [];
