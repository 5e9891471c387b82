import type { AnyNodeDef } from '@modalflow/core';
import tensorInput from './tensor-input.ts';

export const INPUT_NODES: AnyNodeDef[] = [tensorInput];
