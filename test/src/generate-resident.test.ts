import { afterAll, describe, expect, it } from 'vitest';
import { compileGraph, type GenerateStage } from '@modalflow/compiler';
import { createEngine, type EngineEvent, type Feed, type Program, type Runtime } from '@modalflow/engine';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { readModel } from '@modalflow/onnx';
import type { Tensor } from '@modalflow/core';
import { registry } from './fixtures.ts';
import { GENERATE_CASES, caseMemory, caseWeights, generateGraph, runSettings } from './generate-graph.ts';

const runtime = createNodeRuntime({ providers: ['cpu'] });
const programs: Program[] = [];
afterAll(async () => {
  await Promise.all(programs.map((p) => p.release()));
});

/** The same onnxruntime without resident values: every run goes through host tensors. */
const hostOnly: Runtime = { name: 'host-only', createSession: (m, o) => runtime.createSession(m, o) };

type Spy = { feeds: Record<string, Feed>[] };
/** Records what every session of a runtime is fed, by session label. */
function spying(rt: Runtime, spies: Map<string, Spy>): Runtime {
  return {
    name: rt.name,
    ...(rt.resident ? { resident: rt.resident } : {}),
    async createSession(model, options) {
      const s = await rt.createSession(model, options);
      const spy: Spy = { feeds: [] };
      spies.set(options?.label ?? '', spy);
      const run = s.run.bind(s);
      s.run = (feeds, fetches) => (spy.feeds.push(feeds), run(feeds, fetches));
      if (s.runResident) {
        const runResident = s.runResident.bind(s);
        s.runResident = (feeds, keep, fetches) => (spy.feeds.push(feeds), runResident(feeds, keep, fetches));
      }
      return s;
    },
  };
}

function tokens(t: Tensor, lengths: Tensor): number[][] {
  const [b, n] = t.dims as [number, number];
  return Array.from({ length: b }, (_, r) => Array.from((t.data as BigInt64Array).subarray(r * n, r * n + Number((lengths.data as BigInt64Array)[r])), Number));
}

async function generate(rt: Runtime, c: (typeof GENERATE_CASES)[number], settings: Record<string, unknown>) {
  const spies = new Map<string, Spy>();
  const compiled = compileGraph(generateGraph(c, settings), registry, { weights: caseWeights(c) });
  const program = await createEngine(spying(rt, spies), { registry }).load(compiled);
  programs.push(program);
  let end: Extract<EngineEvent, { type: 'generate-end' }> | undefined;
  const { outputs } = await program.run({ mem: caseMemory(c) }, { cache: false, onEvent: (e) => void (e.type === 'generate-end' && (end = e)) });
  const stage = compiled.plan.stages[0] as GenerateStage;
  return { tokens: tokens(outputs['tokens']!, outputs['lengths']!), end: end!, spies, stage, compiled };
}

const c = GENERATE_CASES[1]!;
const greedy = c.runs.find((r) => r.strategy === 'greedy')!;
const beams = c.runs.filter((r) => r.strategy === 'beam');

describe('cross-attention keys and values are computed once per sequence', () => {
  it('compiles a cross model from the encoder states and a step model that reads its outputs, not the states', () => {
    const compiled = compileGraph(generateGraph(c, { strategy: 'greedy' }), registry, { weights: caseWeights(c) });
    const stage = compiled.plan.stages[0] as GenerateStage;
    const layers = c.params['layers'] as number;
    expect(stage.cross!.outputs).toHaveLength(2 * layers);
    const cross = readModel(compiled.models[stage.cross!.model]!);
    const step = readModel(compiled.models[stage.model]!);
    expect(cross.info.inputs.map((v) => v.name)).toEqual(['encoder_hidden_states']);
    expect(cross.info.outputs.map((v) => v.name)).toEqual(stage.cross!.outputs);
    const stepInputs = step.info.inputs.map((v) => v.name);
    expect(stepInputs).not.toContain('encoder_hidden_states');
    for (const name of stage.cross!.outputs) expect(stepInputs).toContain(name);
    // Each model holds only the weights it reads: the cross keys/values projections live in one place.
    const weights = (g: typeof cross.graph) => [...g.initializers.keys()].filter((n) => n.startsWith('dec.'));
    const crossW = weights(cross.graph);
    const stepW = weights(step.graph);
    expect(crossW.length).toBe(4 * layers);
    expect(crossW.every((n) => /cross_attn\.[kv]_proj\./.test(n))).toBe(true);
    expect(stepW.some((n) => /cross_attn\.[kv]_proj\./.test(n))).toBe(false);
  });

  it('greedy: one cross run for the whole batch, resident keys/values fed to every step, the reference tokens', async () => {
    const got = await generate(runtime, c, runSettings(greedy));
    expect(got.tokens).toEqual(greedy.tokens);
    expect(got.end.transfers).toEqual({ crossRuns: 1, reorderRuns: 0, hostCopies: 0 });
    const steps = got.spies.get(got.stage.id)!.feeds;
    expect(steps.length).toBe(got.end.steps);
    for (const feeds of steps) {
      expect(feeds['encoder_hidden_states']).toBeUndefined();
      for (const name of got.stage.cross!.outputs) expect((feeds[name] as { resident?: boolean }).resident).toBe(true);
    }
    expect(got.spies.get(`${got.stage.id}-cross`)!.feeds).toHaveLength(1);
  });

  it('without resident values (host tensors only) the same tokens come out', async () => {
    for (const run of [greedy, ...beams]) {
      for (const use_cache of [true, false]) {
        const got = await generate(hostOnly, c, { ...runSettings(run), use_cache });
        expect(got.tokens).toEqual(run.tokens);
      }
    }
  });
});

describe('beam search reorders the cache inside the runtime', () => {
  for (const run of beams) {
    it(`${JSON.stringify(runSettings(run))}: the reorder model, never a host copy, the reference tokens`, async () => {
      const got = await generate(runtime, c, runSettings(run));
      expect(got.tokens).toEqual(run.tokens);
      const t = got.end.transfers!;
      expect(t.hostCopies).toBe(0);
      expect(t.reorderRuns).toBeGreaterThan(0);
      // One cross run per example; its beams repeat those keys and values inside the runtime.
      expect(t.crossRuns).toBe(c.memory.dims[0]!);
      const repeats = got.spies.get(`${got.stage.id}-cross-rows`)!.feeds;
      expect(repeats).toHaveLength(c.memory.dims[0]!);
      for (const feeds of repeats) {
        for (const [name, f] of Object.entries(feeds)) if (name !== 'rows') expect((f as { resident?: boolean }).resident).toBe(true);
      }
      const reorders = got.spies.get(`${got.stage.id}-reorder`)!.feeds;
      expect(reorders).toHaveLength(t.reorderRuns);
      for (const feeds of reorders) {
        for (const [name, f] of Object.entries(feeds)) if (name !== 'rows') expect((f as { resident?: boolean }).resident).toBe(true);
      }
    });
  }

  it('a greedy stage loads no reorder model', async () => {
    const got = await generate(runtime, c, runSettings(greedy));
    expect(got.spies.has(`${got.stage.id}-reorder`)).toBe(false);
    expect(got.spies.has(`${got.stage.id}-cross-rows`)).toBe(false);
  });
});
