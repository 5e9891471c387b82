import type { AnyNodeDef } from '@modalflow/core';
import classifier from './classifier.ts';
import similarity from './similarity.ts';
import itm from './itm.ts';
import maskedLm from './masked-lm.ts';
import regionRegression from './region-regression.ts';
import pooler from './pooler.ts';
import zeroShot from './zero-shot.ts';
import transformerDecoder from './transformer-decoder.ts';
import generate from './generate.ts';

export const HEAD_NODES: AnyNodeDef[] = [classifier, similarity, itm, maskedLm, regionRegression, pooler, zeroShot, transformerDecoder, generate];
