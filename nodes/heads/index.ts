import type { AnyNodeDef } from '@modalflow/core';
import classifier from './classifier.ts';

export const HEAD_NODES: AnyNodeDef[] = [classifier];
