import { describe, expect, it } from 'vitest';
import type { InputSpec } from '@modalflow/data';
import { examplesOf, generateWorld, worldRow } from '@modalflow/world';
import { distinctCaptions, worldOptions } from './worldData.ts';

const clipInputs: InputSpec[] = [
  { name: 'image', kind: 'image', dtype: 'uint8', shape: ['B', 'H', 'W', 3] },
  { name: 'text', kind: 'text', dtype: 'string', shape: ['B'] },
];

describe('teaching-world data for a graph', () => {
  const world = generateWorld({ count: 64, seed: 3 });
  const test = examplesOf(world, 'test');

  it('fills the picture and the caption, or the question and answer for a question-answering graph', () => {
    const e = world.examples[0]!;
    expect(worldRow(e, clipInputs)).toEqual({ image: e.image, text: e.caption });
    const vqa: InputSpec[] = [{ name: 'question', kind: 'text', dtype: 'string' }, { name: 'answer', kind: 'tensor', dtype: 'int64' }];
    expect(worldRow(e, vqa)).toEqual({ question: e.question, answer: e.answer_id });
    expect(worldOptions({ kind: 'world', count: 64, seed: 3, heldOut: [] }, vqa).task).toBe('vqa');
  });

  it('passes held-out pairs to the world, which then keeps them out of training', () => {
    const o = worldOptions({ kind: 'world', count: 200, seed: 1, heldOut: ['purple-circle'] }, clipInputs);
    expect(o).toEqual({ count: 200, seed: 1, heldOut: [{ colour: 'purple', shape: 'circle' }] });
    const w = generateWorld(o);
    expect(examplesOf(w, 'train').some((e) => e.colour === 'purple' && e.shape === 'circle')).toBe(false);
    expect(examplesOf(w, 'heldout').every((e) => e.colour === 'purple' && e.shape === 'circle')).toBe(true);
  });

  it('picks view examples with different captions, in order', () => {
    const view = distinctCaptions(test, 4);
    expect(new Set(view.map((e) => e.caption)).size).toBe(view.length);
    expect(view[0]).toBe(test[0]);
    expect(distinctCaptions([test[0]!, test[0]!], 4)).toEqual([test[0]]);
  });
});
