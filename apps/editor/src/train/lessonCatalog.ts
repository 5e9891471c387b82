import type { Lesson } from './lessons.ts';
import { DEFAULT_SETTINGS, type TrainSettings } from './settings.ts';

/**
 * The lessons after contrastive CLIP, each with the settings its README's command line uses,
 * run shorter where that keeps a browser run to a minute or two. Lessons whose graph starts
 * from another graph's trained weights say which file to load ("Load weights…") before Train.
 */
const VQA: TrainSettings = {
  ...DEFAULT_SETTINGS,
  data: { kind: 'world', count: 4096, seed: 1, heldOut: [] },
  optimizer: 'adamw',
  lr: 3e-3,
  weightDecay: 0.01,
  warmup: 100,
  schedule: 'cosine',
  clipNorm: 1,
  batchSize: 32,
  steps: 1000,
  evalEvery: 50,
  seed: 0,
};

const FUSIONS = [
  ['concat', 'concatenation', 'The pooled picture and question vectors side by side; the classifier must find every interaction itself.'],
  ['gated', 'gated (GMU)', 'A gate computed from both decides, feature by feature, how much of the picture and of the question passes.'],
  ['tensor', 'tensor fusion', 'Every product of a picture feature and a question feature, read by one linear layer.'],
  ['cross-attention', 'cross-attention', 'Each question word looks over the picture patches and takes what it needs.'],
] as const;

const FEW_SHOT: TrainSettings = {
  ...DEFAULT_SETTINGS,
  data: { kind: 'world', count: 1024, seed: 1, heldOut: [] },
  optimizer: 'adamw',
  lr: 1e-2,
  weightDecay: 0.01,
  warmup: 0,
  schedule: 'none',
  clipNorm: 1,
  batchSize: 32,
  steps: 200,
  evalEvery: 20,
  seed: 0,
  fromLoaded: true,
};

export const MORE_LESSONS: readonly Lesson[] = [
  ...FUSIONS.map(([file, name, idea]): Lesson => ({
    id: `vqa-${file}`,
    title: `Lesson: VQA fusion shoot-out, ${name}`,
    description: `Answer questions about the teaching world's pictures ("what colour is the circle ?") with 23 answers shown by name. ${idea} Train each of the four fusions and overlay their curves to compare.`,
    example: 'vqa-fusion',
    file: `${file}.json`,
    settings: VQA,
  })),
  {
    id: 'pretrain',
    title: 'Lesson: pretrain with ITC, ITM and MLM',
    description:
      'Pretrain the encoders and cross-attention fusion of the VQA model on captions alone: match pictures with captions (ITC), tell true captions from swapped ones (ITM), fill in masked words (MLM). Then open the cross-attention VQA lesson, load examples/pretrain-finetune/finetune-start.safetensors and compare its curve with training from scratch.',
    example: 'pretrain-finetune',
    file: 'pretrain.json',
    settings: { ...VQA, steps: 1000 },
  },
  {
    id: 'reinforce',
    title: 'Lesson: REINFORCE, learning from a reward',
    description:
      'The VQA model never sees the right answer: it samples a colour from its own softmax, scores 1 when the colour is right and 0 when not, and raises the probability of answers that scored above the batch mean. Watch held-out accuracy climb from chance (1 in 6).',
    example: 'reinforce',
    file: 'graph.json',
    settings: {
      ...VQA,
      data: { kind: 'world', count: 4096, seed: 1, heldOut: [], questions: ['colour'] },
      lr: 1e-3,
      warmup: 50,
      schedule: 'none',
      steps: 600,
    },
  },
  {
    id: 'distillation',
    title: 'Lesson: knowledge distillation',
    description:
      'A frozen, trained VQA model teaches a student a third of its size through its softened answer distribution. Load examples/distillation/start.safetensors (the trained teacher, the student seeded) with "Load weights…", then Train.',
    example: 'distillation',
    file: 'graph.json',
    settings: { ...VQA, steps: 600, fromLoaded: true },
  },
  {
    id: 'linear-probe',
    title: 'Lesson: linear probe on frozen CLIP features',
    description:
      'Only a linear layer trains, on the frozen image features of the tiny CLIP, to name the shape in each picture. Load examples/linear-probe/start.safetensors (CLIP trained on the teaching world) first, or train from the seeded weights to see what random features give.',
    example: 'linear-probe',
    file: 'graph.json',
    settings: FEW_SHOT,
  },
  {
    id: 'coop',
    title: 'Lesson: prompt learning (CoOp)',
    description:
      'Both CLIP encoders stay frozen; only four context vectors in front of each shape name train. Load examples/coop/start.safetensors (CLIP trained on the teaching world) first.',
    example: 'coop',
    file: 'graph.json',
    settings: { ...FEW_SHOT, lr: 2e-3 },
  },
];
