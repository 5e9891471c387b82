export type EngineEvent =
  | { type: 'run-start'; stages: number }
  | { type: 'stage-start'; stage: string; index: number; total: number; nodes: string[] }
  | { type: 'stage-cached'; stage: string; index: number; total: number; nodes: string[] }
  | { type: 'stage-end'; stage: string; index: number; total: number; ms: number; provider: string }
  | { type: 'stage-failed'; stage: string; index: number; error: Error }
  | { type: 'progress'; done: number; total: number }
  | { type: 'cancelled'; stage?: string }
  | { type: 'run-end'; ms: number; cached: number; ran: number };
