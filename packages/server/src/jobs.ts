import { randomUUID } from 'node:crypto';
import type { EngineEvent } from '@modalflow/engine';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** What a job tells its watchers: the engine's stage events, plus its own status changes. */
export type JobEvent =
  | { type: 'status'; status: JobStatus }
  | Exclude<EngineEvent, { type: 'stage-failed' }>
  | { type: 'stage-failed'; stage: string; index: number; error: string };

export interface Job {
  id: string;
  model: string;
  status: JobStatus;
  created: string;
  events: JobEvent[];
  result?: unknown;
  error?: unknown;
  controller: AbortController;
  listeners: Set<(e: JobEvent) => void>;
}

const FINAL: JobStatus[] = ['succeeded', 'failed', 'cancelled'];
export const isFinal = (s: JobStatus) => FINAL.includes(s);

/**
 * Jobs kept in memory. Finished ones are forgotten oldest first beyond `keep`, so a long-lived
 * server does not grow without bound.
 */
export class JobStore {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly keep = 1000) {}

  create(model: string): Job {
    const job: Job = { id: randomUUID(), model, status: 'queued', created: new Date().toISOString(), events: [], controller: new AbortController(), listeners: new Set() };
    this.jobs.set(job.id, job);
    this.emit(job, { type: 'status', status: 'queued' });
    this.prune();
    return job;
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  all(): Job[] {
    return [...this.jobs.values()];
  }

  emit(job: Job, e: JobEvent): void {
    job.events.push(e);
    for (const l of job.listeners) l(e);
  }

  /** Engine events, made JSON-safe (an Error does not serialise). */
  engineEvent(job: Job, e: EngineEvent): void {
    if (e.type === 'run-start' && job.status === 'queued') this.setStatus(job, 'running');
    this.emit(job, e.type === 'stage-failed' ? { type: 'stage-failed', stage: e.stage, index: e.index, error: e.error.message } : e);
  }

  setStatus(job: Job, status: JobStatus): void {
    if (isFinal(job.status) || job.status === status) return;
    job.status = status;
    this.emit(job, { type: 'status', status });
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((j) => isFinal(j.status));
    for (const j of finished.slice(0, Math.max(0, this.jobs.size - this.keep))) this.jobs.delete(j.id);
  }
}

export function jobView(job: Job): Record<string, unknown> {
  return {
    id: job.id,
    model_name: job.model,
    status: job.status,
    created: job.created,
    events: job.events.length,
    ...(job.result !== undefined ? { result: job.result } : {}),
    ...(job.error !== undefined ? { error: job.error } : {}),
  };
}
