import type { Lesson } from './lessons.ts';
import { DEFAULT_SETTINGS, type TrainSettings } from './settings.ts';

/**
 * The lessons after contrastive CLIP, each with the settings its README's command line uses,
 * run shorter where that keeps a browser run to a minute or two. Lessons whose graph starts
 * from another graph's trained weights name that file as their initial weights (carried by
 * name, as --init), so they open ready to Train.
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

/** CLIP trained on the teaching world, whose encoders the probe and CoOp reuse (examples/linear-probe/README.md says how it was made). */
const CLIP_WEIGHTS = { name: 'clip.safetensors', lesson: 'examples/linear-probe/clip.safetensors' };

// `--shots 5 --batch-size 20`: with four shapes one batch is the whole few-shot training set, as in the READMEs' loops.
const FEW_SHOT: TrainSettings = {
  ...DEFAULT_SETTINGS,
  data: { kind: 'world', count: 4096, seed: 1, heldOut: [] },
  optimizer: 'adamw',
  lr: 1e-2,
  weightDecay: 0.01,
  warmup: 0,
  schedule: 'none',
  clipNorm: 1,
  batchSize: 20,
  steps: 200,
  evalEvery: 20,
  seed: 0,
  init: CLIP_WEIGHTS,
  shots: 5,
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
      'Pretrain the encoders and cross-attention fusion of the VQA model on captions alone: match pictures with captions (ITC), tell true captions from swapped ones (ITM), fill in masked words (MLM). Then open the fine-tuning lesson and compare its curve with the cross-attention VQA lesson trained from scratch.',
    example: 'pretrain-finetune',
    file: 'pretrain.json',
    settings: { ...VQA, steps: 1000 },
  },
  {
    id: 'finetune',
    title: 'Lesson: fine-tune VQA from pretrained encoders',
    description:
      'The cross-attention VQA model starts from the encoders and fusion pretrained with ITC, ITM and MLM (examples/pretrain-finetune/pretrained.safetensors, carried by name); only the answer head starts from seeded weights. Overlay its curve on the cross-attention lesson trained from scratch.',
    example: 'vqa-fusion',
    file: 'cross-attention.json',
    settings: { ...VQA, steps: 300, init: { name: 'pretrained.safetensors', lesson: 'examples/pretrain-finetune/pretrained.safetensors' } },
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
      'A frozen, trained VQA model teaches a student a third of its size through its softened answer distribution. The teacher\'s weights come from examples/distillation/teacher.safetensors by name; the student starts seeded.',
    example: 'distillation',
    file: 'graph.json',
    settings: { ...VQA, steps: 600, init: { name: 'teacher.safetensors', lesson: 'examples/distillation/teacher.safetensors' } },
  },
  {
    id: 'linear-probe',
    title: 'Lesson: linear probe on frozen CLIP features',
    description:
      'Only a linear layer trains, on the frozen image features of the tiny CLIP, to name the shape in each picture, from 5 pictures per shape. The encoder comes from CLIP trained on the teaching world (examples/linear-probe/clip.safetensors, carried by name); clear the initial weights to see what random features give, or change the examples per class (1, 5, 20 in the README).',
    example: 'linear-probe',
    file: 'graph.json',
    settings: FEW_SHOT,
  },
  {
    id: 'coop',
    title: 'Lesson: prompt learning (CoOp)',
    description:
      'Both CLIP encoders stay frozen; only four context vectors in front of each shape name train, from 5 pictures per shape. The encoders come from CLIP trained on the teaching world (examples/linear-probe/clip.safetensors, carried by name).',
    example: 'coop',
    file: 'graph.json',
    settings: { ...FEW_SHOT, lr: 2e-3 },
  },
];
