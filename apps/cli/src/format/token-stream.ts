import type { EngineEvent } from '@modalflow/engine';
import { formatMs } from './numbers.ts';

/**
 * Prints generated tokens as a generate stage chooses them: the first row's words on one line
 * as they come (greedy and sampling; beam search only knows its answer at the end), then each
 * row's text, and a note for every row that max_length cut before a stop token.
 */
export function tokenStream(write: (text: string) => void, note: (line: string) => void): (e: EngineEvent) => void {
  let open = false;
  let streamed = false;
  return (e) => {
    if (e.type === 'token' && e.final && e.row === 0) {
      if (!open) write(`${e.node}: `);
      open = streamed = true;
      if (e.piece) write(`${e.piece} `);
    } else if (e.type === 'generate-end') {
      if (open) write('\n');
      open = false;
      e.rows.forEach((r, k) => {
        if (!(streamed && e.rows.length === 1)) write(`${e.node}[${k}]: ${r.text}\n`);
        if (!r.stopped) note(`${e.node}[${k}]: stopped at max_length (${e.maxLength} tokens) without a stop token`);
      });
      streamed = false;
      const n = e.rows.reduce((a, r) => a + r.tokens.length, 0);
      note(`${e.node}: ${n} tokens in ${e.steps} steps, ${formatMs(e.ms)} (${e.tokensPerSecond.toFixed(1)} tokens/s)`);
    }
  };
}
