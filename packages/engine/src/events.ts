export type EngineEvent =
  | { type: 'run-start'; stages: number }
  | { type: 'stage-start'; stage: string; index: number; total: number; nodes: string[] }
  | { type: 'stage-cached'; stage: string; index: number; total: number; nodes: string[] }
  | { type: 'stage-end'; stage: string; index: number; total: number; ms: number; provider: string }
  | { type: 'stage-failed'; stage: string; index: number; error: Error }
  | { type: 'progress'; done: number; total: number }
  | { type: 'cancelled'; stage?: string }
  | { type: 'run-end'; ms: number; cached: number; ran: number }
  /**
   * A generate stage chose a token for a row. `final` is false in beam search, where the token
   * extends the currently best beam (`sequence`), which a later step may drop.
   */
  | { type: 'token'; stage: string; node: string; row: number; step: number; token: number; piece: string; final: boolean; sequence?: number[] }
  /** A generate stage finished; a row with `stopped: false` reached maxLength without a stop token. */
  | {
      type: 'generate-end'; stage: string; node: string; steps: number; ms: number; tokensPerSecond: number; maxLength: number;
      rows: { tokens: number[]; text: string; stopped: boolean }[];
      /**
       * Where the loop's values went: runs of the cross-attention key/value model, runs of the
       * beam reorder model, and cache tensors read back to the host to reorder beams.
       */
      transfers?: { crossRuns: number; reorderRuns: number; hostCopies: number };
    };
