import type { AnyNodeDef } from '@modalflow/core';
import contrastive from './contrastive.ts';
import crossEntropy from './cross-entropy.ts';
import bce from './bce.ts';
import distillation from './distillation.ts';
import alignment from './alignment.ts';
import reconstruction from './reconstruction.ts';
import policyGradient from './policy-gradient.ts';

export const LOSS_NODES: AnyNodeDef[] = [contrastive, crossEntropy, bce, distillation, alignment, reconstruction, policyGradient];
