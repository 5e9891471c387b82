import type { WorldExample } from '@modalflow/world';

/**
 * Two-turn dialogues about a picture of the teaching world. Turn one asks for the shape; turn
 * two, by the example's index, asks for the colour or the place of "it" (the shape just named):
 *   what shape is there ? [SEP] circle [SEP] what colour is it ? [SEP] red
 * Turns are separated by the tokenizer's [SEP], which the word tokenizer keeps whole.
 */
export const FIRST_QUESTION = 'what shape is there ?';

export function secondTurn(e: WorldExample): { question: string; answer: string } {
  return e.index % 2 === 0 ? { question: 'what colour is it ?', answer: e.colour } : { question: 'where is it ?', answer: e.position };
}

export function dialogue(e: WorldExample): string {
  const second = secondTurn(e);
  return [FIRST_QUESTION, e.shape, second.question, second.answer].join(' [SEP] ');
}
