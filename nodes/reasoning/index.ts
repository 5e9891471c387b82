import type { AnyNodeDef } from '@modalflow/core';
import selfAttention from './self-attention.ts';
import lxmertCross from './lxmert-cross.ts';
import san from './san.ts';
import relation from './relation.ts';
import causalIntervention from './causal-intervention.ts';

export const REASONING_NODES: AnyNodeDef[] = [selfAttention, lxmertCross, san, relation, causalIntervention];
