import type { Tensor } from '@modalflow/core';
import type { Traffic } from './transfer.ts';
import type { CreateRequest, ProviderStatus, ResidentInfo, SessionInfo } from './wire.ts';

export interface LinkRun {
  outputs: Record<string, Tensor>;
  /** Outputs the host kept, by name (only those asked for in `keep`). */
  kept: Record<string, ResidentInfo>;
}

/** How the main-thread runtime reaches the ORT host: across a worker, or directly. */
export interface Link {
  createSession(model: Uint8Array, request: CreateRequest): Promise<SessionInfo>;
  /** `held` feeds resident values by their ids; outputs named in `keep` stay in the host. */
  run(id: number, feeds: Record<string, Tensor>, fetches: string[] | undefined, held?: Record<string, number>, keep?: string[]): Promise<LinkRun>;
  release(id: number): Promise<void>;
  upload(t: Tensor): Promise<ResidentInfo>;
  download(ref: number): Promise<Tensor>;
  releaseResident(refs: number[]): Promise<void>;
  describeProviders(): Promise<ProviderStatus[]>;
  close(): Promise<void>;
  /** Tensor bytes that crossed to and from the host so far. */
  readonly traffic: Traffic;
}
