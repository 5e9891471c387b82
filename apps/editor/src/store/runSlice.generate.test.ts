import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '@modalflow/engine';
import { applyTokenEvent, type GeneratedText } from './runSlice.ts';

const token = (step: number, piece: string, row = 0, final = true): EngineEvent => ({ type: 'token', stage: 's1', node: 'gen', row, step, token: step, piece, final });

describe('generated text in the run panel', () => {
  it('grows by one word per token of the first row, and takes the final text and stop flag at the end', () => {
    let texts: Readonly<Record<string, GeneratedText>> = {};
    for (const e of [token(0, 'a'), token(0, 'x', 1), token(1, 'red'), token(2, 'square'), token(3, '')]) texts = applyTokenEvent(texts, e);
    expect(texts['gen']).toEqual({ text: 'a red square', tokens: 4 });
    texts = applyTokenEvent(texts, {
      type: 'generate-end', stage: 's1', node: 'gen', steps: 4, ms: 10, tokensPerSecond: 400, maxLength: 10,
      rows: [{ tokens: [4, 32, 29, 3], text: 'a red square', stopped: true }, { tokens: [1], text: 'x', stopped: false }],
    });
    expect(texts['gen']).toEqual({ text: 'a red square', tokens: 4, stopped: true, tokensPerSecond: 400 });
  });

  it('shows beam search as provisional until it ends, and ignores other events', () => {
    const texts = applyTokenEvent({}, token(2, 'red', 0, false));
    expect(texts['gen']).toEqual({ text: '', tokens: 3, provisional: true });
    const same = applyTokenEvent(texts, { type: 'progress', done: 1, total: 2 });
    expect(same).toBe(texts);
  });
});
