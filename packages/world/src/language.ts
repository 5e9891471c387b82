import { seenCombos, type Combo, type QuestionKind, type ResolvedWorldOptions } from './options.ts';
import { WorldRng } from './random.ts';
import type { Scene, WorldObject } from './scene.ts';
import { article, COLOURS, COUNT_WORDS, POSITION_PHRASES, SHAPES } from './vocabulary.ts';

export interface QuestionAnswer {
  kind: QuestionKind;
  question: string;
  answer: string;
  /** The object the question is about; for counting, the object whose labels the example carries. */
  subject: WorldObject;
}

/** "a red square on the left and a big blue circle at the top"; size words only when sizes vary. */
export function caption(scene: Scene, saySize: boolean): string {
  return scene.objects.map((obj) => {
    const head = saySize ? [obj.size, obj.colour, obj.shape] : [obj.colour, obj.shape];
    return [article(head[0]!), ...head, ...POSITION_PHRASES[obj.position]].join(' ');
  }).join(' and ');
}

/**
 * Most tokens a caption or question of this world can have, special tokens not counted: add 2
 * for [CLS] and [SEP] to get a tokenizer's max_length that never cuts a sentence. The longest
 * question is "what colour is the circle on the left ?" (9) when two objects can share a shape,
 * else "what shape is on the left ?" (7).
 */
export function maxTextTokens(o: ResolvedWorldOptions): number {
  const perObject = (o.sizes.length > 1 ? 1 : 0) + 3 + 3;
  const question = o.maxObjects > 1 ? 9 : 7;
  return Math.max(question, o.maxObjects * perObject + (o.maxObjects - 1));
}

/** Kinds that have more than one possible answer in this world. */
export function askableKinds(o: ResolvedWorldOptions): QuestionKind[] {
  return o.questions.filter((k) => {
    if (k === 'count') return o.maxObjects > o.minObjects;
    if (k === 'size') return o.sizes.length > 1;
    return true;
  });
}

/**
 * The shortest phrase that names one object: its shape when no other object shares it,
 * otherwise shape and place ("the circle on the left"); places never repeat in a scene.
 */
function reference(scene: Scene, obj: WorldObject): string {
  const twin = scene.objects.some((other) => other !== obj && other.shape === obj.shape);
  return twin ? `the ${obj.shape} ${POSITION_PHRASES[obj.position].join(' ')}` : `the ${obj.shape}`;
}

function has(scene: Scene, c: Combo): boolean {
  return scene.objects.some((obj) => obj.colour === c.colour && obj.shape === c.shape);
}

/**
 * An absent pair for a "no" answer, sharing the subject's colour or shape when possible so the
 * question can only be answered by binding colour to shape. Train and test questions only name
 * seen pairs; held-out questions may name any pair the world draws.
 */
function absentCombo(o: ResolvedWorldOptions, scene: Scene, subject: WorldObject, rng: WorldRng): Combo | undefined {
  const pool = scene.split === 'heldout'
    ? o.colours.flatMap((colour) => o.shapes.map((shape) => ({ colour, shape })))
    : seenCombos(o);
  const absent = pool.filter((c) => !has(scene, c));
  const near = absent.filter((c) => c.colour === subject.colour || c.shape === subject.shape);
  if (near.length > 0) return rng.pick(near);
  return absent.length > 0 ? rng.pick(absent) : undefined;
}

/** One question about the scene; in a held-out example it is about the held-out object. */
export function askQuestion(o: ResolvedWorldOptions, scene: Scene, index: number): QuestionAnswer {
  const rng = new WorldRng(o.seed, index, 'question');
  const kind = rng.pick(askableKinds(o));
  const held = scene.objects.find((obj) => obj.heldOut);
  const subject = held ?? rng.pick(scene.objects);
  switch (kind) {
    case 'colour':
      return { kind, subject, question: `what colour is ${reference(scene, subject)} ?`, answer: subject.colour };
    case 'shape':
      return { kind, subject, question: `what shape is ${POSITION_PHRASES[subject.position].join(' ')} ?`, answer: subject.shape };
    case 'position':
      return { kind, subject, question: `where is the ${subject.colour} ${subject.shape} ?`, answer: subject.position };
    case 'size':
      return { kind, subject, question: `what size is ${reference(scene, subject)} ?`, answer: subject.size };
    case 'count':
      return {
        kind, subject,
        question: 'how many shapes are there ?', answer: COUNT_WORDS[scene.objects.length - 1]!,
      };
    case 'exists': {
      const other = rng.chance(0.5) ? absentCombo(o, scene, subject, rng) : undefined;
      const c = other ?? subject;
      return {
        kind, subject,
        question: `is there ${article(c.colour)} ${c.colour} ${c.shape} ?`,
        answer: other ? 'no' : 'yes',
      };
    }
  }
}

/** Class ids of an object's attributes in the fixed vocabularies. */
export function attributeIds(obj: WorldObject): { colour_id: number; shape_id: number } {
  return { colour_id: COLOURS.indexOf(obj.colour), shape_id: SHAPES.indexOf(obj.shape) };
}
