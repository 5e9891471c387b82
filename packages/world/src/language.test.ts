import { describe, expect, it } from 'vitest';
import type { WorldObject } from './scene.ts';
import { ANSWERS, COUNT_WORDS, POSITION_PHRASES, POSITIONS, SHAPES, words, type Position } from './vocabulary.ts';
import { generateWorld, type WorldExample } from './world.ts';

function place(tokens: string[]): Position | undefined {
  const phrase = tokens.join(' ');
  return POSITIONS.find((p) => POSITION_PHRASES[p].join(' ') === phrase);
}

/** The objects a phrase such as "the circle" or "the circle on the left" can mean. */
function referents(objects: WorldObject[], tokens: string[]): WorldObject[] {
  const shape = tokens[1];
  const where = place(tokens.slice(2));
  return objects.filter((o) => o.shape === shape && (where === undefined || o.position === where));
}

/** Answers a question from the scene alone, without the generator's code. */
function solve(e: WorldExample): string {
  const t = words(e.question);
  const body = t.slice(0, -1);
  if (t.join(' ') === 'how many shapes are there ?') return COUNT_WORDS[e.objects.length - 1]!;
  if (body[0] === 'is' && body[1] === 'there') {
    const [colour, shape] = body.slice(3);
    return e.objects.some((o) => o.colour === colour && o.shape === shape) ? 'yes' : 'no';
  }
  if (body[0] === 'where') {
    const [colour, shape] = body.slice(3);
    const found = e.objects.filter((o) => o.colour === colour && o.shape === shape);
    expect(found, e.question).toHaveLength(1);
    return found[0]!.position;
  }
  if (body[0] === 'what' && body[1] === 'shape') {
    const found = e.objects.filter((o) => o.position === place(body.slice(3)));
    expect(found, e.question).toHaveLength(1);
    return found[0]!.shape;
  }
  if (body[0] === 'what' && (body[1] === 'colour' || body[1] === 'size')) {
    const found = referents(e.objects, body.slice(3));
    expect(found, `"${e.question}" names one object`).toHaveLength(1);
    return body[1] === 'colour' ? found[0]!.colour : found[0]!.size;
  }
  throw new Error(`unexpected question "${e.question}"`);
}

describe('questions and answers', () => {
  const world = generateWorld({
    seed: 8, count: 500, maxObjects: 3, sizes: ['small', 'big'], shapes: SHAPES, task: 'vqa',
    heldOut: [{ colour: 'blue', shape: 'cross' }],
  });

  it('answers every question correctly and unambiguously', () => {
    for (const e of world.examples) {
      expect(solve(e), `${e.id}: ${e.question} (${e.caption})`).toBe(e.answer);
      expect(ANSWERS[e.answer_id]).toBe(e.answer);
    }
  });

  it('asks every kind of question and gives both yes and no', () => {
    const kinds = new Set(world.examples.map((e) => e.question_kind));
    expect([...kinds].sort()).toEqual(['colour', 'count', 'exists', 'position', 'shape', 'size']);
    const exists = world.examples.filter((e) => e.question_kind === 'exists');
    const yes = exists.filter((e) => e.answer === 'yes').length;
    expect(yes).toBeGreaterThan(exists.length * 0.3);
    expect(yes).toBeLessThan(exists.length * 0.7);
  });

  it('asks "no" questions that share a colour or a shape with the subject', () => {
    const no = world.examples.filter((e) => e.question_kind === 'exists' && e.answer === 'no');
    const near = no.filter((e) => {
      const [colour, shape] = words(e.question).slice(3, 5);
      return colour === e.colour || shape === e.shape;
    });
    expect(near.length).toBe(no.length);
  });

  it('asks only the kinds it is told to, and never a question with one possible answer', () => {
    const colours = generateWorld({ seed: 1, count: 50, questions: ['colour'] });
    expect(new Set(colours.examples.map((e) => e.question_kind))).toEqual(new Set(['colour']));
    const fixed = generateWorld({ seed: 1, count: 200, maxObjects: 1, sizes: ['big'] });
    expect(fixed.examples.some((e) => e.question_kind === 'count' || e.question_kind === 'size')).toBe(false);
  });
});
