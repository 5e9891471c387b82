import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from '../browser/harness.ts';
import { exampleGraph } from '../browser/node-reference.ts';

let h: Harness;
beforeAll(async () => {
  h = await openHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('the program worker in Chromium', () => {
  it('forwards load and run events, stamps each trip in order, cancels runs, keeps or moves inputs, and refuses calls once ended', async () => {
    const r = await h.call('programWorkerCalls', exampleGraph('late-fusion'));
    expect(r.providers).toContain('wasm');
    expect(r.loadEvents.length).toBeGreaterThan(0);
    for (const e of r.loadEvents) expect(e).toMatchObject({ type: 'session', provider: 'wasm', stage: expect.stringMatching(/\S/) });
    expect(r.runEvents[0]).toBe('run-start');
    expect(r.runEvents.at(-1)).toBe('run-end');
    expect(r.runEvents.filter((t) => t === 'stage-start').length).toBe(r.runEvents.filter((t) => t === 'stage-end').length);
    expect(r.runEvents.filter((t) => t === 'stage-start').length).toBeGreaterThan(0);
    expect(r.tripInOrder).toBe(true);
    expect(r.pingInOrder).toBe(true);
    expect(r.keptInputIntact).toBe(true);
    expect(r.movedInputDetached).toBe(true);
    expect(r.abortedBefore).toMatch(/^AbortError: the run was cancelled/);
    expect(r.abortedDuring).toMatch(/^AbortError: the run was cancelled/);
    // The worker itself stopped: the abort, posted right behind the run, was read before a later stage.
    expect(r.abortedDuringEvents).toContain('cancelled');
    expect(r.abortedDuringEvents).not.toContain('run-end');
    expect(r.afterAbortOk).toBe(true);
    expect(r.afterTerminate).toMatch(/RUNTIME_WORKER_FAILED.*stopped/);
  });
});
