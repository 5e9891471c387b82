import type { AnyNodeDef } from '@modalflow/core';
import output from './output.ts';
import topkLabels from './topk-labels.ts';
import topkNamed from './topk-named.ts';

export const OUTPUT_NODES: AnyNodeDef[] = [output, topkLabels, topkNamed];
