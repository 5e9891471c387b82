import { afterAll, describe, expect, it } from 'vitest';
import { compileGraph } from '@modalflow/compiler';
import { createEngine, type EngineEvent, type Program } from '@modalflow/engine';
import { createNodeRuntime } from '@modalflow/runtime-node';
import type { Tensor } from '@modalflow/core';
import { registry } from './fixtures.ts';
import { GENERATE_CASES, caseMemory, caseWeights, generateGraph, runSettings, teacherForcedGraph, type GenerateCase } from './generate-graph.ts';

const runtime = createNodeRuntime({ providers: ['cpu'] });
const engine = createEngine(runtime, { registry });
const programs: Program[] = [];
afterAll(async () => {
  await Promise.all(programs.map((p) => p.release()));
});

async function load(c: GenerateCase, settings: Record<string, unknown>): Promise<Program> {
  const program = await engine.load(compileGraph(generateGraph(c, settings), registry, { weights: caseWeights(c) }));
  programs.push(program);
  return program;
}

function rows(tokens: Tensor, lengths: Tensor): number[][] {
  const [b, n] = tokens.dims as [number, number];
  const t = tokens.data as BigInt64Array;
  return Array.from({ length: b }, (_, r) => Array.from(t.subarray(r * n, r * n + Number((lengths.data as BigInt64Array)[r])), Number));
}

async function generate(c: GenerateCase, settings: Record<string, unknown>, onEvent?: (e: EngineEvent) => void) {
  const program = await load(c, settings);
  const { outputs } = await program.run({ mem: caseMemory(c) }, { cache: false, onEvent });
  return { tokens: rows(outputs['tokens']!, outputs['lengths']!), stopped: Array.from(outputs['stopped']!.data as Uint8Array, Boolean) };
}

describe.each(GENERATE_CASES)('decoding loop against the PyTorch reference: $name', (c) => {
  it('the decoder over a whole sequence gives the reference logits', async () => {
    const program = await engine.load(compileGraph(teacherForcedGraph(c), registry, { weights: caseWeights(c) }));
    programs.push(program);
    const ids: Tensor = { dtype: 'int64', dims: [1, 1], data: BigInt64Array.of(BigInt(c.prompt[0]![0]!)) };
    const mem = caseMemory(c);
    const first: Tensor = { ...mem, dims: [1, ...mem.dims.slice(1)], data: (mem.data as Float32Array).slice(0, mem.dims[1]! * mem.dims[2]!) };
    const { outputs } = await program.run({ ids, mem: first });
    const got = outputs['logits']!.data as Float32Array;
    const max = Math.max(...c.first_logits.map(Math.abs));
    c.first_logits.forEach((x, v) => expect(Math.abs(got[v]! - x) / max).toBeLessThan(1e-5));
  });

  for (const run of c.runs) {
    const label = `${run.strategy} ${JSON.stringify(runSettings(run))}`;
    it(`${label}: token for token, with and without the cache`, async () => {
      for (const use_cache of [true, false]) {
        const got = await generate(c, { ...runSettings(run), use_cache });
        expect(got.tokens).toEqual(run.tokens);
        expect(got.stopped).toEqual(run.stopped);
      }
    });
  }
});

describe('the generate stage', () => {
  const c = GENERATE_CASES[0]!;
  const long = GENERATE_CASES[1]!;

  it('streams each token as an event before the run ends, and says when max_length cut a row', async () => {
    const events: EngineEvent[] = [];
    const got = await generate(long, { strategy: 'greedy', max_length: 12 }, (e) => events.push(e));
    const tokens = events.filter((e) => e.type === 'token');
    expect(tokens.filter((e) => e.row === 0).map((e) => e.token)).toEqual(got.tokens[0]);
    const end = events.find((e) => e.type === 'generate-end');
    expect(end && end.type === 'generate-end' && end.rows.map((r) => r.stopped)).toEqual([false, false]);
    expect(events.findIndex((e) => e.type === 'token')).toBeLessThan(events.findIndex((e) => e.type === 'generate-end'));
    expect(got.tokens[0]).toHaveLength(12);
  });

  it('sampling is reproducible from its seed and changes with it', async () => {
    const settings = { strategy: 'sample', max_length: 12, temperature: 1.5 };
    const a = await generate(long, { ...settings, seed: 3 });
    const b = await generate(long, { ...settings, seed: 3 });
    const others = await Promise.all([4, 5, 6].map((seed) => generate(long, { ...settings, seed })));
    expect(a).toEqual(b);
    expect(others.some((o) => JSON.stringify(o.tokens) !== JSON.stringify(a.tokens))).toBe(true);
  });

  it('keeps the cache in the runtime: the step model is fed resident values after the first step', async () => {
    const program = await load(c, { strategy: 'greedy', max_length: 6 });
    const session = (program as unknown as { sessions: Map<string, { runResident?: (...a: any[]) => unknown }> }).sessions.values().next().value!;
    let resident = 0;
    const original = session.runResident!.bind(session);
    session.runResident = (feeds: Record<string, { resident?: boolean }>, ...rest: unknown[]) => {
      if (Object.entries(feeds).some(([k, v]) => k.startsWith('past_key_values.') && v.resident)) resident++;
      return original(feeds, ...rest);
    };
    await program.run({ mem: caseMemory(c) }, { cache: false });
    expect(resident).toBeGreaterThan(0);
  });

  it('stops when cancelled mid-sequence', async () => {
    const program = await load(long, { strategy: 'greedy', max_length: 30 });
    const ctl = new AbortController();
    const seen: number[] = [];
    const run = program.run({ mem: caseMemory(long) }, {
      cache: false, signal: ctl.signal,
      onEvent: (e) => {
        if (e.type !== 'token') return;
        seen.push(e.step);
        if (e.step === 2) ctl.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(Math.max(...seen)).toBeLessThan(5);
  });

  it('refuses a max_length beyond the decoder\'s positions, naming the param', async () => {
    const program = await load(c, { max_length: 60 });
    await expect(program.run({ mem: caseMemory(c) })).rejects.toMatchObject({ code: 'MF_GENERATE_TOO_LONG' });
  });

  it('continues each prompt after its last real token: padded rows of different lengths generate as they would alone', async () => {
    const doc = generateGraph(long, { strategy: 'greedy', max_length: 6 });
    doc.nodes.push({ id: 'prompt', type: 'input.tensor', typeVersion: 1, params: { dtype: 'int64', shape: 'B, P' } });
    doc.edges.push({ from: ['prompt', 'value'], to: ['gen', 'prompt'] });
    const program = await engine.load(compileGraph(doc, registry, { weights: caseWeights(long) }));
    programs.push(program);
    const mem = caseMemory(long);
    const perRow = mem.dims[1]! * mem.dims[2]!;
    const one = (r: number): Tensor => ({ ...mem, dims: [1, ...mem.dims.slice(1)], data: (mem.data as Float32Array).slice(r * perRow, (r + 1) * perRow) });
    const ids = (rs: number[][]): Tensor => ({ dtype: 'int64', dims: [rs.length, rs[0]!.length], data: BigInt64Array.from(rs.flat(), BigInt) });
    const tokens = async (m: Tensor, prompt: Tensor) => {
      const { outputs } = await program.run({ mem: m, prompt }, { cache: false });
      return rows(outputs['tokens']!, outputs['lengths']!);
    };
    const both = await tokens(mem, ids([[2, 5, 7, 0], [2, 0, 0, 0]]));
    expect(both[0]).toEqual((await tokens(one(0), ids([[2, 5, 7]])))[0]);
    expect(both[1]).toEqual((await tokens(one(1), ids([[2]])))[0]);
  });

  it('marks the decoder\'s teacher-forcing ids optional: generation needs only the encoder states', async () => {
    const compiled = compileGraph(generateGraph(c, {}), registry, { weights: caseWeights(c) });
    expect(compiled.plan.inputs.find((i) => i.name === 'ids')!.optional).toBe(true);
    expect(compiled.plan.stages.map((s) => s.kind)).toEqual(['generate']);
  });
});
