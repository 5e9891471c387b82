import { ModalflowError, type Problem } from '@modalflow/core';
import type { Provider, ProviderAttempt } from '@modalflow/engine';
import type { InferenceSession } from 'onnxruntime-common';
import { isCpuFallbackRefusal, messageOf } from './ort-errors.ts';

export type LogSeverity = 'verbose' | 'info' | 'warning' | 'error' | 'fatal';

/** ORT's numeric `logSeverityLevel` for each name. */
export const SEVERITY: Record<LogSeverity, 0 | 1 | 2 | 3 | 4> = { verbose: 0, info: 1, warning: 2, error: 3, fatal: 4 };

/** onnxruntime session options passed through as is (graph optimisation, threads, ...). */
export type OrtSessionOptions = Omit<InferenceSession.SessionOptions, 'executionProviders'>;

/**
 * A provider turned down by this runtime's own policy rather than by ORT: its message is the
 * reason as is, and it says nothing about the model or the machine.
 */
export class ProviderRefused extends Error {}

export interface OrtProviderAttempt extends ProviderAttempt {
  /** Time spent on this provider: the check, probe or session creation. */
  ms: number;
}

/** How one onnxruntime build words its failures. */
export interface OrtErrorDialect {
  isModelError(message: string): boolean;
  /** Failures of the machine or browser: the provider is skipped at once from then on. */
  isEnvironmentalError(message: string): boolean;
  /** ORT's message as quoted in RUNTIME_BAD_MODEL, without any wrapper the build adds. */
  clean(message: string): string;
}

export interface ProviderChain<T extends { note?: string }, R> {
  label: string;
  /** Preference order; a provider listed twice is tried once. */
  providers: readonly Provider[];
  /** Why a provider cannot be tried at all, decided without creating a session. */
  skipReason(provider: Provider): Promise<string | undefined>;
  open(provider: Provider): Promise<T>;
  /** Turns the first session that opened into what the caller hands back. */
  accept(opened: T, provider: Provider, attempts: OrtProviderAttempt[]): R;
  /** Why opening on `provider` failed, in words a user can act on. */
  explain(provider: Provider, message: string): string | Promise<string>;
  errors: OrtErrorDialect;
  /** Providers that failed for machine reasons, with the reason; failures of that kind are added. */
  unavailable: Map<Provider, string>;
}

/**
 * Tries each provider in turn and keeps the first session that opens, recording why every
 * provider before it was skipped or failed. A model ORT cannot load fails at once, since no
 * other provider would load it either.
 */
export async function openOnFirstProvider<T extends { note?: string }, R>(model: Uint8Array, chain: ProviderChain<T, R>): Promise<R> {
  const { label } = chain;
  if (!(model instanceof Uint8Array) || model.byteLength === 0) {
    throw new ModalflowError('RUNTIME_BAD_MODEL', `session "${label}": the model is empty (0 bytes)`);
  }
  const providers = [...new Set(chain.providers)];
  const attempts: OrtProviderAttempt[] = [];
  for (const provider of providers) {
    const t0 = performance.now();
    const skip = await chain.skipReason(provider);
    if (skip) {
      attempts.push({ provider, ok: false, reason: skip, ms: performance.now() - t0 });
      continue;
    }
    try {
      const opened = await chain.open(provider);
      attempts.push({ provider, ok: true, ms: performance.now() - t0, ...(opened.note ? { note: opened.note } : {}) });
      return chain.accept(opened, provider, attempts);
    } catch (e) {
      const msg = messageOf(e);
      const refused = e instanceof ProviderRefused;
      if (!refused && chain.errors.isModelError(msg)) {
        throw new ModalflowError('RUNTIME_BAD_MODEL', `session "${label}": onnxruntime cannot load the model: ${chain.errors.clean(msg)}`);
      }
      const reason = refused ? msg : await chain.explain(provider, msg);
      if (!refused && chain.errors.isEnvironmentalError(msg)) chain.unavailable.set(provider, reason);
      attempts.push({ provider, ok: false, reason, ms: performance.now() - t0 });
    }
  }
  const problems: Problem[] = attempts.map((a) => ({ code: 'RUNTIME_NO_PROVIDER', message: `${a.provider}: ${a.reason}`, at: {} }));
  const list = attempts.map((a) => `\n  ${a.provider}: ${a.reason}`).join('');
  throw new ModalflowError(
    'RUNTIME_NO_PROVIDER',
    `session "${label}": no execution provider could run the model (tried ${providers.join(', ') || 'none'}):${list || ' no providers were requested'}`,
    {},
    problems.length ? problems : undefined,
  );
}

export interface CpuFallbackPolicy {
  /** What a user is told when ORT places nodes on its CPU provider. */
  note: string;
  /** Count the provider as failed for this model instead of accepting the fallback. */
  forbid: boolean;
}

/**
 * Creates a GPU session and says whether ORT put some of its nodes on CPU. ORT quietly assigns
 * nodes a GPU provider has no kernel for to its CPU provider, so a "webgpu" session could run
 * mostly on CPU. Creating first with that fallback disabled is the only signal ORT offers; the
 * refusal comes at partitioning, before weights reach the GPU, so the retry costs little more
 * than parsing the model again.
 */
export async function createWatchingCpuFallback<S>(
  create: (options: InferenceSession.SessionOptions) => Promise<S>,
  base: InferenceSession.SessionOptions,
  policy: CpuFallbackPolicy,
): Promise<{ session: S; cpuFallback: boolean; note?: string }> {
  const strict: InferenceSession.SessionOptions = {
    ...base,
    // ORT logs the expected refusal as an error; keep it out of the logs.
    logSeverityLevel: 4,
    extra: withSessionConfig(base.extra, { disable_cpu_ep_fallback: '1' }),
  };
  try {
    return { session: await create(strict), cpuFallback: false };
  } catch (e) {
    if (!isCpuFallbackRefusal(messageOf(e))) throw e;
  }
  if (policy.forbid) throw new ProviderRefused(`${policy.note}; skipped because cpuFallback is 'forbid'`);
  return { session: await create(base), cpuFallback: true, note: policy.note };
}

function withSessionConfig(extra: unknown, entries: Record<string, string>): Record<string, unknown> {
  const e = (extra && typeof extra === 'object' ? extra : {}) as Record<string, unknown>;
  const session = (e.session && typeof e.session === 'object' ? e.session : {}) as Record<string, unknown>;
  return { ...e, session: { ...entries, ...session } };
}
