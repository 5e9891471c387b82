import type { AnyNodeDef } from '@modalflow/core';
import concat from './concat.ts';

export const FUSION_NODES: AnyNodeDef[] = [concat];
