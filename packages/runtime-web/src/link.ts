import type { Tensor } from '@modalflow/core';
import type { CreateRequest, ProviderStatus, SessionInfo } from './wire.ts';

/** How the main-thread runtime reaches the ORT host: across a worker, or directly. */
export interface Link {
  createSession(model: Uint8Array, request: CreateRequest): Promise<SessionInfo>;
  run(id: number, feeds: Record<string, Tensor>, fetches: string[] | undefined): Promise<Record<string, Tensor>>;
  release(id: number): Promise<void>;
  describeProviders(): Promise<ProviderStatus[]>;
  close(): Promise<void>;
}
