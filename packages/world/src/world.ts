import type { Tensor } from '@modalflow/core';
import { askableKinds, askQuestion, attributeIds, caption } from './language.ts';
import { resolveOptions, type QuestionKind, type ResolvedWorldOptions, type Split, type WorldOptions } from './options.ts';
import { sceneRegions } from './regions.ts';
import { renderScene } from './render.ts';
import { sampleScene, type WorldObject } from './scene.ts';
import { ANSWERS, answerId, TOKENIZER_VOCABULARY, WORDS, type Colour, type Position, type Shape, type Size } from './vocabulary.ts';

export interface WorldExample {
  index: number;
  /** Zero-padded 1-based number, also the image's file name ("0001"). */
  id: string;
  split: Split;
  objects: WorldObject[];
  /** uint8 [H, W, 3], channels last, as an `input.image` port takes it. */
  image: Tensor;
  caption: string;
  question: string;
  question_kind: QuestionKind;
  answer: string;
  /** Index of the answer in ANSWERS. */
  answer_id: number;
  /** Labels of the object the question is about (the only object in one-object worlds). */
  colour: Colour;
  shape: Shape;
  position: Position;
  size: Size;
  colour_id: number;
  shape_id: number;
  /** float32 [N, F], only for the regions task. */
  regions?: Tensor;
  /** float32 [N, 4] normalised x1, y1, x2, y2, only for the regions task. */
  boxes?: Tensor;
  /** int64 [N], 1 = real region, only for the regions task. */
  region_mask?: Tensor;
  /** int64 [N] shape ids per region (-100 where none), targets for masked region classification. */
  region_shapes?: Tensor;
  /** int64 [N] colour ids per region (-100 where none), targets for attribute prediction. */
  region_colours?: Tensor;
}

export interface World {
  options: ResolvedWorldOptions;
  examples: WorldExample[];
  /** Caption and question tokens (WORDS). */
  words: readonly string[];
  /** Special tokens followed by WORDS, ready for a word tokenizer node. */
  tokenizerVocabulary: readonly string[];
  answers: readonly string[];
}

function idWidth(count: number): number {
  return Math.max(4, String(count).length);
}

/** Example `index` of the world; it does not depend on how many examples are generated. */
export function generateExample(o: ResolvedWorldOptions, index: number): WorldExample {
  const scene = sampleScene(o, index);
  const qa = askQuestion(o, scene, index);
  const s = qa.subject;
  const example: WorldExample = {
    index,
    id: String(index + 1).padStart(idWidth(o.count), '0'),
    split: scene.split,
    objects: scene.objects,
    image: renderScene(scene, o.size, o.noise, o.seed, index),
    caption: caption(scene, o.sizes.length > 1),
    question: qa.question,
    question_kind: qa.kind,
    answer: qa.answer,
    answer_id: answerId(qa.answer),
    colour: s.colour,
    shape: s.shape,
    position: s.position,
    size: s.size,
    ...attributeIds(s),
  };
  if (o.task === 'regions') {
    const r = sceneRegions(o, scene, index);
    example.regions = r.features;
    example.boxes = r.boxes;
    example.region_mask = r.mask;
    example.region_shapes = r.shapes;
    example.region_colours = r.colours;
  }
  return example;
}

/** Generates `count` paired examples; the same options give the same bytes in every engine. */
export function generateWorld(options: WorldOptions = {}): World {
  const o = resolveOptions(options);
  if (askableKinds(o).length === 0) {
    throw new RangeError(`questions ${o.questions.join(', ')} all have a single answer in this world`);
  }
  const examples: WorldExample[] = [];
  for (let i = 0; i < o.count; i++) examples.push(generateExample(o, i));
  return { options: o, examples, words: WORDS, tokenizerVocabulary: TOKENIZER_VOCABULARY, answers: ANSWERS };
}
