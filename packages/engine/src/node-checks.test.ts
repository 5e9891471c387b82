import { describe, expect, it } from 'vitest';
import { ModalflowError, NodeRegistry, defineNode, int, tensor, type GraphDoc, type Tensor } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { createEngine } from './engine.ts';
import type { Runtime, RuntimeSession } from './runtime.ts';

// Minimal node types: the engine must not depend on the node library.
const input = defineNode({
  type: 'test.input', version: 1, category: 'inputs', title: 'In', role: 'input',
  inputs: {}, outputs: { v: tensor('float32', ['B', 'N']) },
});
/** Refuses rows longer than `max`, from the shape alone. */
const limited = defineNode({
  type: 'test.limited', version: 1, category: 'layers', title: 'Limited',
  inputs: { a: tensor('float32', ['B', 'N']) }, outputs: { y: tensor('float32', ['B', 'N']) },
  params: { max: int({ default: 4 }) },
  lower: ({ g, x }) => ({ y: (g as any).op('Identity', [x['a']]) }),
  checkInput: ({ a }, { params }) =>
    a![1]! > params.max ? { code: 'MF_TOO_WIDE', message: `input "a" is ${a![1]} wide, more than ${params.max}`, port: 'a' } : undefined,
});
const output = defineNode({
  type: 'test.output', version: 1, category: 'outputs', title: 'Out', role: 'output',
  inputs: { value: tensor('float32', null) }, outputs: {},
});
const registry = new NodeRegistry([input, limited, output]);

type Edge = [string, string, string, string];
function doc(nodes: [string, string, Record<string, unknown>?][], edges: Edge[]): GraphDoc {
  return {
    format: 'modalflow.graph', version: 1, meta: {}, seed: 0,
    nodes: nodes.map(([id, type, params]) => ({ id, type: `test.${type}`, typeVersion: 1, params: params ?? {} })),
    edges: edges.map(([a, p, b, q]) => ({ from: [a, p], to: [b, q] })),
  };
}

/** Runs nothing real: each session hands its first feed back under every fetch, and counts runs. */
function fakeRuntime() {
  const calls: string[] = [];
  const runtime: Runtime = {
    name: 'fake',
    async createSession(_model, options): Promise<RuntimeSession> {
      return {
        provider: 'cpu', attempts: [], inputNames: [], outputNames: [],
        async run(feeds, fetches) {
          calls.push(options?.label ?? '');
          const first = Object.values(feeds)[0]!;
          return Object.fromEntries((fetches ?? []).map((f) => [f, first]));
        },
        async release() {},
      };
    },
  };
  return { runtime, calls };
}

const rows = (n: number): Tensor => ({ dtype: 'float32', dims: [1, n], data: new Float32Array(n) });

// x -> first (max 4) -> second (max 2) -> o: only `first` reads a graph input directly.
const chain = doc(
  [['x', 'input'], ['first', 'limited'], ['second', 'limited', { max: 2 }], ['o', 'output']],
  [['x', 'v', 'first', 'a'], ['first', 'y', 'second', 'a'], ['second', 'y', 'o', 'value']],
);

describe('node input checks', () => {
  it('the plan names, as data, the nodes fed straight from graph inputs and the tensors that feed them', () => {
    const { plan } = compileGraph(chain, registry, { granularity: 'per-node' });
    expect(plan.checks).toEqual([{ node: 'first', type: 'test.limited', typeVersion: 1, params: { max: 4 }, inputs: { a: 'x.v' } }]);
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it('leaves the field out when no node checks, and skips nodes whose stage a run leaves out', () => {
    const plain = doc([['x', 'input'], ['o', 'output']], [['x', 'v', 'o', 'value']]);
    expect(compileGraph(plain, registry).plan).not.toHaveProperty('checks');
    // `side` reads x but nothing returns what it computes, so it never runs.
    const side = doc(
      [['x', 'input'], ['side', 'limited'], ['o', 'output']],
      [['x', 'v', 'side', 'a'], ['x', 'v', 'o', 'value']],
    );
    expect(compileGraph(side, registry).plan).not.toHaveProperty('checks');
  });

  it('refuses in Program.run before any stage, with the node\'s code, node and port', async () => {
    const { runtime, calls } = fakeRuntime();
    const program = await createEngine(runtime, { registry }).load(compileGraph(chain, registry, { granularity: 'per-node' }));
    const error = await program.run({ x: rows(5) }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ModalflowError);
    expect(error).toMatchObject({ code: 'MF_TOO_WIDE', at: { node: 'first', port: 'a' } });
    expect((error as Error).message).toContain('input "a" is 5 wide, more than 4 (node "first", port "a")');
    expect(calls).toEqual([]);
    // Within the limit every stage runs; `second` is fed by a computed tensor, so it is not checked.
    const ok = await program.run({ x: rows(3) });
    expect(ok.outputs['o']!.dims).toEqual([1, 3]);
    expect(calls).toHaveLength(2);
  });

  it('runs after the plan\'s own input checks, so a missing or misshapen input is reported as such', async () => {
    const { runtime } = fakeRuntime();
    const program = await createEngine(runtime, { registry }).load(compileGraph(chain, registry));
    await expect(program.run({})).rejects.toMatchObject({ code: 'MF_INPUT_MISSING' });
    await expect(program.run({ x: { dtype: 'float32', dims: [5], data: new Float32Array(5) } })).rejects.toMatchObject({ code: 'MF_INPUT_SHAPE' });
  });

  it('is skipped by an engine given no registry, or one with another version of the type', async () => {
    const compiled = compileGraph(chain, registry);
    const bare = fakeRuntime();
    expect((await (await createEngine(bare.runtime).load(compiled)).run({ x: rows(5) })).outputs['o']!.dims).toEqual([1, 5]);
    const newer = new NodeRegistry([input, output, { ...limited, version: 2 }]);
    const other = fakeRuntime();
    expect((await (await createEngine(other.runtime, { registry: newer }).load(compiled)).run({ x: rows(5) })).outputs['o']!.dims).toEqual([1, 5]);
  });
});
