import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '@modalflow/core';
import { createRegistry } from '@modalflow/nodes';
import { loadExamples } from '../documents/examples.ts';
import { LESSONS, lessonDoc } from './lessons.ts';
import { hasSquareOutput } from './squareOutput.ts';

const registry = createRegistry();
const examples = loadExamples();

describe('hasSquareOutput', () => {
  it('finds the image-text similarity of the contrastive lessons (CLIP, and ITC in pretraining) and none in the others', () => {
    const square = Object.fromEntries(LESSONS.map((l) => [l.id, hasSquareOutput(analyzeGraph(lessonDoc(l, examples)!, registry))]));
    expect(square).toEqual({
      'clip-contrastive': true,
      pretrain: true,
      'vqa-concat': false,
      'vqa-gated': false,
      'vqa-tensor': false,
      'vqa-cross-attention': false,
      finetune: false,
      reinforce: false,
      distillation: false,
      'linear-probe': false,
      coop: false,
    });
  });
});
