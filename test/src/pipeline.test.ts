import { afterAll, describe, expect, it } from 'vitest';
import { compileGraph, allWeights, analyzeOrThrow } from '@modalflow/compiler';
import { createEngine, type EngineEvent } from '@modalflow/engine';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { decodeModel, readSafetensors, writeSafetensors } from '@modalflow/onnx';
import { graphHash, type Tensor } from '@modalflow/core';
import { example, floats, lateFusionInputs, registry } from './fixtures.ts';

const runtime = createNodeRuntime({ providers: ['cpu'] });
const engine = createEngine(runtime, { registry });
const programs: { release(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(programs.map((p) => p.release()));
});

async function load(options: Parameters<typeof compileGraph>[2] = {}) {
  const { doc } = example('late-fusion');
  const compiled = compileGraph(doc, registry, options);
  const program = await engine.load(compiled);
  programs.push(program);
  return { doc, compiled, program };
}

function maxDiff(a: Tensor, b: Tensor): number {
  const x = a.data as Float32Array;
  const y = b.data as Float32Array;
  let d = 0;
  for (let k = 0; k < x.length; k++) d = Math.max(d, Math.abs(x[k]! - y[k]!));
  return d;
}

describe('compile and run the late-fusion example', () => {
  it('partitions by input dependency: a text segment, an image segment and a joint one', async () => {
    const { compiled } = await load();
    const stages = compiled.plan.stages.map((s) => ({ nodes: s.nodes, dependsOn: s.dependsOn }));
    expect(stages).toEqual([
      { nodes: ['text_proj', 'text_act'], dependsOn: ['text'] },
      { nodes: ['image_proj', 'image_act'], dependsOn: ['image'] },
      { nodes: ['fuse', 'norm', 'head'], dependsOn: ['image', 'text'] },
    ]);
    expect(JSON.parse(JSON.stringify(compiled.plan))).toEqual(compiled.plan);
  });

  it('runs and returns probabilities that sum to one per example', async () => {
    const { program } = await load();
    const { outputs } = await program.run(lateFusionInputs(3));
    expect(outputs['probs']!.dims).toEqual([3, 4]);
    const p = outputs['probs']!.data as Float32Array;
    for (let r = 0; r < 3; r++) expect(p[r * 4]! + p[r * 4 + 1]! + p[r * 4 + 2]! + p[r * 4 + 3]!).toBeCloseTo(1, 5);
    expect(program.providers['s0-text_proj+1']!.provider).toBe('cpu');
  });

  it('is deterministic: the same graph compiles to byte-identical models carrying its hash', () => {
    const { doc } = example('late-fusion');
    const a = compileGraph(doc, registry);
    const b = compileGraph(doc, registry);
    for (const [name, bytes] of Object.entries(a.models)) expect(Buffer.compare(Buffer.from(bytes), Buffer.from(b.models[name]!))).toBe(0);
    const info = decodeModel(Object.values(a.models)[0]!);
    expect(info.metadata['modalflow.graph_hash']).toBe(graphHash(doc));
    expect(info.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx')!.version).toBe(17);
  });

  it('re-runs only the stages whose inputs changed', async () => {
    const { program } = await load();
    const inputs = lateFusionInputs(2);
    await program.run(inputs);
    const events: EngineEvent[] = [];
    await program.run({ ...inputs, text: floats([2, 16], 99) }, { onEvent: (e) => events.push(e) });
    const cached = events.filter((e) => e.type === 'stage-cached').map((e) => (e as { stage: string }).stage);
    const ran = events.filter((e) => e.type === 'stage-end').map((e) => (e as { stage: string }).stage);
    expect(cached).toEqual(['s1-image_proj+1']);
    expect(ran).toEqual(['s0-text_proj+1', 's2-fuse+2']);
    expect(events.at(-1)).toMatchObject({ type: 'run-end', cached: 1, ran: 2 });
  });

  it('gives the same outputs at every granularity', async () => {
    const inputs = lateFusionInputs(2, 5);
    const outs = [];
    for (const granularity of ['segments', 'whole', 'per-node'] as const) {
      const { program, compiled } = await load({ granularity });
      if (granularity === 'whole') expect(compiled.plan.stages).toHaveLength(1);
      if (granularity === 'per-node') expect(compiled.plan.stages).toHaveLength(7);
      outs.push((await program.run(inputs, { cache: false })).outputs['probs']!);
    }
    expect(maxDiff(outs[0]!, outs[1]!)).toBeLessThan(1e-6);
    expect(maxDiff(outs[0]!, outs[2]!)).toBeLessThan(1e-6);
  });

  it('returns tapped intermediate tensors', async () => {
    const { program } = await load({ taps: ['fuse.h', 'text_act.y'] });
    const { taps } = await program.run(lateFusionInputs(2), { taps: ['fuse.h'] });
    expect(taps['fuse.h']!.dims).toEqual([2, 48]);
    await expect(program.run(lateFusionInputs(2), { taps: ['norm.y'] })).rejects.toMatchObject({ code: 'MF_TAP_NOT_COMPILED' });
  });

  it('loads exported weights back to identical outputs', async () => {
    const { doc } = example('late-fusion');
    const bytes = writeSafetensors(allWeights(analyzeOrThrow(doc, registry)));
    const { tensors } = readSafetensors(bytes);
    const seeded = await load();
    const loaded = await load({ weights: tensors });
    const inputs = lateFusionInputs(2, 8);
    const a = (await seeded.program.run(inputs)).outputs['logits']!;
    const b = (await loaded.program.run(inputs)).outputs['logits']!;
    expect(maxDiff(a, b)).toBe(0);
  });

  it('cancels through an AbortSignal', async () => {
    const { program } = await load();
    const controller = new AbortController();
    const events: EngineEvent[] = [];
    const run = program.run(lateFusionInputs(2, 3), {
      signal: controller.signal,
      cache: false,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'stage-end') controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(events.some((e) => e.type === 'cancelled')).toBe(true);
    expect(events.filter((e) => e.type === 'stage-end')).toHaveLength(1);
  });

  it('refuses wrong inputs before running, naming them', async () => {
    const { program } = await load();
    await expect(program.run({ text: floats([2, 16], 1) })).rejects.toMatchObject({ code: 'MF_INPUT_MISSING', at: { node: 'image' } });
    await expect(program.run({ text: floats([2, 15], 1), image: floats([2, 32], 1) })).rejects.toMatchObject({ code: 'MF_INPUT_SHAPE' });
    await expect(program.run({ text: floats([2, 16], 1), image: floats([3, 32], 1) })).rejects.toThrow(/dimension "B" is 2 in input "text" but 3 in input "image"/);
  });
});
