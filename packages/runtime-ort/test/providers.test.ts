import { describe, expect, it } from 'vitest';
import type { InferenceSession } from 'onnxruntime-common';
import { ModalflowError } from '@modalflow/core';
import type { Provider } from '@modalflow/engine';
import { createWatchingCpuFallback, openOnFirstProvider, ProviderRefused, type OrtErrorDialect, type ProviderChain } from '../src/index.ts';

const MODEL = new Uint8Array([8, 7]);
const ERRORS: OrtErrorDialect = {
  isModelError: (m) => /protobuf parsing failed/.test(m),
  isEnvironmentalError: (m) => /no adapter/.test(m),
  clean: (m) => m.replace(/^wrapped: /, ''),
};

type Opened = { session: string; note?: string };

/** A chain over fake providers: each either opens, throws the given error, or is skipped up front. */
function chain(
  behaviour: Partial<Record<Provider, string | Error>>,
  extra: Partial<ProviderChain<Opened, string>> = {},
): ProviderChain<Opened, string> & { opened: Provider[] } {
  const opened: Provider[] = [];
  const unavailable = new Map<Provider, string>();
  return {
    label: 'stage',
    providers: ['webgpu', 'wasm'],
    skipReason: async (p) => unavailable.get(p) ?? (behaviour[p] === undefined ? `${p} is not here` : undefined),
    async open(p) {
      opened.push(p);
      const b = behaviour[p];
      if (b instanceof Error) throw b;
      return { session: `${p}-session`, ...(b ? { note: b } : {}) };
    },
    accept: (o, p, attempts) => `${o.session} after ${attempts.map((a) => `${a.provider}:${a.ok}`).join(',')}`,
    explain: (p, m) => `creating a ${p} session failed: ${m}`,
    errors: ERRORS,
    unavailable,
    opened,
    ...extra,
  };
}

async function rejection(p: Promise<unknown>): Promise<ModalflowError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ModalflowError);
    return e as ModalflowError;
  }
  throw new Error('expected the promise to reject');
}

describe('trying providers in order', () => {
  it('keeps the first session that opens and records every attempt, with timings and notes', async () => {
    let attempts: unknown[] = [];
    const c = chain({ webgpu: new Error('no adapter found'), wasm: 'some nodes on CPU' }, {
      accept: (o, _p, a) => {
        attempts = a;
        return o.session;
      },
    });
    expect(await openOnFirstProvider(MODEL, c)).toBe('wasm-session');
    expect(attempts).toEqual([
      { provider: 'webgpu', ok: false, reason: 'creating a webgpu session failed: no adapter found', ms: expect.any(Number) },
      { provider: 'wasm', ok: true, ms: expect.any(Number), note: 'some nodes on CPU' },
    ]);
  });

  it('remembers machine failures so the next session skips the provider without trying it', async () => {
    const c = chain({ webgpu: new Error('no adapter found'), wasm: '' });
    await openOnFirstProvider(MODEL, c);
    expect(c.unavailable.get('webgpu')).toBe('creating a webgpu session failed: no adapter found');
    expect(await openOnFirstProvider(MODEL, c)).toBe('wasm-session after webgpu:false,wasm:true');
    expect(c.opened).toEqual(['webgpu', 'wasm', 'wasm']);
  });

  it('does not remember other failures, nor a provider this runtime refused', async () => {
    const c = chain({ webgpu: new ProviderRefused('nodes on CPU; skipped because cpuFallback is \'forbid\''), wasm: new Error('odd') });
    const e = await rejection(openOnFirstProvider(MODEL, c));
    expect(e.problems.map((p) => p.message)).toEqual([
      "webgpu: nodes on CPU; skipped because cpuFallback is 'forbid'",
      'wasm: creating a wasm session failed: odd',
    ]);
    expect(c.unavailable.size).toBe(0);
  });

  it('stops at a broken model instead of blaming each provider', async () => {
    const c = chain({ webgpu: new Error('wrapped: protobuf parsing failed'), wasm: '' });
    const e = await rejection(openOnFirstProvider(MODEL, c));
    expect(e.code).toBe('RUNTIME_BAD_MODEL');
    expect(e.problems[0]!.message).toBe('session "stage": onnxruntime cannot load the model: protobuf parsing failed');
    expect(c.opened).toEqual(['webgpu']);
  });

  it('tries a provider listed twice once, and lists every reason when none works', async () => {
    const c = chain({}, { providers: ['webgpu', 'wasm', 'webgpu'] });
    const e = await rejection(openOnFirstProvider(MODEL, c));
    expect(e.code).toBe('RUNTIME_NO_PROVIDER');
    expect(e.message).toContain(
      'session "stage": no execution provider could run the model (tried webgpu, wasm):\n  webgpu: webgpu is not here\n  wasm: wasm is not here',
    );
    expect(e.problems).toEqual([
      { code: 'RUNTIME_NO_PROVIDER', message: 'webgpu: webgpu is not here', at: {} },
      { code: 'RUNTIME_NO_PROVIDER', message: 'wasm: wasm is not here', at: {} },
    ]);
  });

  it('says so when no provider was requested, and refuses an empty model before trying any', async () => {
    const none = await rejection(openOnFirstProvider(MODEL, chain({}, { providers: [] })));
    expect(none.problems[0]!.message).toBe('session "stage": no execution provider could run the model (tried none): no providers were requested');
    const c = chain({ wasm: '' });
    const empty = await rejection(openOnFirstProvider(new Uint8Array(0), c));
    expect(empty.code).toBe('RUNTIME_BAD_MODEL');
    expect(empty.problems[0]!.message).toBe('session "stage": the model is empty (0 bytes)');
    expect(c.opened).toEqual([]);
  });
});

describe('noticing ORT placing nodes on CPU', () => {
  const REFUSAL = new Error('nodes are assigned to the default CPU EP, but fallback to CPU EP has been explicitly disabled by the user.');
  const base: InferenceSession.SessionOptions = { logSeverityLevel: 3, extra: { session: { use_ort_model_bytes_directly: '1' } } };
  const policy = { note: 'some nodes run on CPU', forbid: false };

  /** A create() that records its options and, when `refuse`, turns the first (strict) one down as ORT does. */
  function creator(refuse: boolean) {
    const calls: InferenceSession.SessionOptions[] = [];
    const create = async (o: InferenceSession.SessionOptions) => {
      calls.push(o);
      if (refuse && calls.length === 1) throw REFUSAL;
      return 'session';
    };
    return { calls, create };
  }

  it('asks with the fallback disabled first, quietly, keeping the caller\'s session config', async () => {
    const { calls, create } = creator(false);
    expect(await createWatchingCpuFallback(create, base, policy)).toEqual({ session: 'session', cpuFallback: false });
    expect(calls).toEqual([
      { logSeverityLevel: 4, extra: { session: { disable_cpu_ep_fallback: '1', use_ort_model_bytes_directly: '1' } } },
    ]);
  });

  it('lets the caller\'s own setting of the flag win', async () => {
    const { calls, create } = creator(false);
    await createWatchingCpuFallback(create, { extra: { session: { disable_cpu_ep_fallback: '0' } } }, policy);
    expect(calls[0]!.extra).toEqual({ session: { disable_cpu_ep_fallback: '0' } });
  });

  it('accepts the fallback with a note, or refuses the provider when told to', async () => {
    const allowed = creator(true);
    expect(await createWatchingCpuFallback(allowed.create, base, policy)).toEqual({ session: 'session', cpuFallback: true, note: 'some nodes run on CPU' });
    expect(allowed.calls[1]).toBe(base);
    const forbidden = creator(true);
    const e = await createWatchingCpuFallback(forbidden.create, base, { ...policy, forbid: true }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProviderRefused);
    expect((e as Error).message).toBe("some nodes run on CPU; skipped because cpuFallback is 'forbid'");
    expect(forbidden.calls).toHaveLength(1);
  });

  it('passes any other failure on', async () => {
    const boom = new Error('device lost');
    await expect(createWatchingCpuFallback(() => Promise.reject(boom), base, policy)).rejects.toBe(boom);
  });
});
