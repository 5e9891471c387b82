import type { GraphDoc } from '@modalflow/core';
import type { Example } from '../documents/examples.ts';
import { DEFAULT_SETTINGS, type TrainSettings } from './settings.ts';
import { lessonFile } from './lessonFiles.ts';
import { MORE_LESSONS } from './lessonCatalog.ts';

/** A graph opened with its training already set up, so pressing Train shows the point. */
export interface Lesson {
  id: string;
  title: string;
  description: string;
  /** The examples/<folder> whose tiny.json the lesson trains. */
  example: string;
  /** A graph of that folder other than tiny.json (`examples/<example>/<file>`), which the lesson trains instead. */
  file?: string;
  settings: TrainSettings;
}

export const LESSONS: readonly Lesson[] = [
  {
    id: 'clip-contrastive',
    title: 'Lesson: contrastive CLIP',
    description:
      'Train the tiny CLIP graph on the teaching world: pictures of coloured shapes and their captions. The contrastive loss pulls each picture towards its own caption and away from the others in the batch; watch the held-out similarity matrix turn diagonal.',
    example: 'clip',
    // `modalflow train examples/clip/tiny.json --data 'world:shapes?count=4096&seed=1' --batch-size 32
    // --lr 2e-3 --warmup 50 --schedule cosine --clip-norm 1` reaches ~97% held-out retrieval in 800
    // steps; the lesson runs a shorter cosine so the diagonal appears within a minute on a laptop CPU.
    settings: {
      ...DEFAULT_SETTINGS,
      data: { kind: 'world', count: 4096, seed: 1, heldOut: [] },
      optimizer: 'adamw',
      lr: 2e-3,
      weightDecay: 0.01,
      warmup: 50,
      schedule: 'cosine',
      clipNorm: 1,
      batchSize: 32,
      steps: 300,
      evalEvery: 25,
      seed: 0,
    },
  },
  ...MORE_LESSONS,
];

/** The lesson's graph: its own file, else the example's tiny variant, which trains in seconds. */
export function lessonDoc(lesson: Lesson, examples: readonly Example[]): GraphDoc | null {
  if (lesson.file) return lessonFile(`examples/${lesson.example}/${lesson.file}`);
  return examples.find((e) => e.id === lesson.example)?.tiny ?? null;
}

/** The name the lesson's graph is saved under. */
export function lessonFileName(lesson: Lesson): string {
  return lesson.file ? `${lesson.example}-${lesson.file}` : `${lesson.example}-tiny.json`;
}

