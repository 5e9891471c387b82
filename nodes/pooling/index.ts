import type { AnyNodeDef } from '@modalflow/core';
import cls from './cls.ts';
import mean from './mean.ts';
import max from './max.ts';
import temporal from './temporal.ts';
import endToken from './end-token.ts';

export const POOLING_NODES: AnyNodeDef[] = [cls, mean, max, endToken, temporal];
