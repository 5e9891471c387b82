import type { AnyNodeDef } from '@modalflow/core';
import lxmertCross from './lxmert-cross.ts';
import san from './san.ts';
import relation from './relation.ts';
import causalIntervention from './causal-intervention.ts';

export const REASONING_NODES: AnyNodeDef[] = [lxmertCross, san, relation, causalIntervention];
