import type { AnyNodeDef } from '@modalflow/core';
import output from './output.ts';

export const OUTPUT_NODES: AnyNodeDef[] = [output];
