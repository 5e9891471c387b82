import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isModalflowError, parseGraph, validateGraphText, type ParamSpec } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { createEngine } from '@modalflow/engine';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { ROOT, example, registry } from './fixtures.ts';
import { sampleInputs } from './sample-inputs.ts';

/**
 * Mutations of the example graphs. Most mutations keep the document's schema (a param set to a
 * value of its own kind, in or out of range; an edge rewired to a port that exists; a node turned
 * into another registered type), so most documents reach analysis and the nodes' infer(); a
 * minority write junk that the schema must refuse. Whatever comes out, validation reports coded
 * problems instead of throwing, compilation throws only ModalflowError, and a sample of the
 * documents that compile also runs.
 */

type Doc = { nodes: any[]; edges: any[] } & Record<string, unknown>;
const TINY = ['late-fusion', 'gated-fusion', 'tensor-fusion', 'causal-intervention', 'clip', 'vilt', 'albef'];
const bases: Doc[] = [
  JSON.parse(example('late-fusion').text),
  ...TINY.map((name) => JSON.parse(readFileSync(`${ROOT}examples/${name}/tiny.json`, 'utf8'))),
];
const defs = registry.list().filter((d) => d.role !== 'input' || d.type === 'input.tensor');
const types = [...defs.map((d) => d.type), 'no.such'];
const junk = fc.oneof(fc.integer({ min: -5, max: 5000 }), fc.double(), fc.string(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.constantFrom('B, 16', 'B, 32, 2', '', 'x,,', 'B, -1', '3'));

/** A value of the param's own kind: in range mostly, at or past its bounds sometimes. */
function valueFor(spec: ParamSpec, u: number, v: number): unknown {
  switch (spec.kind) {
    case 'int':
    case 'float': {
      const lo = spec.min ?? -8, hi = spec.max ?? Math.max(lo + 8, Math.abs(spec.default) * 2);
      const x = u < 0.1 ? lo - 1 : u < 0.2 ? hi + 1 : lo + v * Math.min(hi - lo, 64);
      return spec.kind === 'int' ? Math.round(x) : x;
    }
    case 'bool':
      return u < 0.5;
    case 'choice':
      return u < 0.1 ? 'not-a-choice' : spec.choices[Math.floor(v * spec.choices.length)];
    case 'ints':
      return Array.from({ length: 1 + Math.floor(u * 3) }, (_, k) => Math.round(v * 64) - k);
    case 'strings':
      return u < 0.5 ? [] : ['a', 'b'];
    default:
      return u < 0.5 ? spec.default : ['B, 16', 'B, T, 8', '4', 'B, 2, 3, 5', ''][Math.floor(v * 5)];
  }
}

const pick = <T,>(xs: readonly T[], i: number): T | undefined => (xs.length ? xs[i % xs.length] : undefined);
const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
type Mutation = (d: Doc) => void;

const kept: fc.Arbitrary<Mutation> = fc.oneof(
  // A param of the node's own type, set to a value of its kind.
  fc.tuple(fc.nat(), fc.nat(), unit, unit).map(([i, j, u, v]) => (d: Doc) => {
    const n = pick(d.nodes, i);
    const def = n && registry.get(n.type);
    const name = def && pick(Object.keys(def.params), j);
    if (name) n.params[name] = valueFor(def.params[name] as ParamSpec, u, v);
  }),
  // An edge rewired to a port that exists on another node.
  fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.boolean()).map(([i, j, k, from]) => (d: Doc) => {
    const e = pick(d.edges, i);
    const n = pick(d.nodes, j);
    const def = n && registry.get(n.type);
    const port = def && pick(Object.keys(from ? def.outputs : def.inputs), k);
    if (e && port) e[from ? 'from' : 'to'] = [n.id, port];
  }),
  // A new edge between existing ports.
  fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat()).map(([i, j, k, l]) => (d: Doc) => {
    const [a, b] = [pick(d.nodes, i), pick(d.nodes, j)];
    const p = a && pick(Object.keys(registry.get(a.type)?.outputs ?? {}), k);
    const q = b && pick(Object.keys(registry.get(b.type)?.inputs ?? {}), l);
    if (p && q) d.edges.push({ from: [a.id, p], to: [b.id, q] });
  }),
  // A node turned into another registered type, with that type's defaults.
  fc.tuple(fc.nat(), fc.nat()).map(([i, j]) => (d: Doc) => {
    const n = pick(d.nodes, i);
    const def = pick(defs, j)!;
    if (n) Object.assign(n, { type: def.type, typeVersion: def.version, params: {} });
  }),
  fc.nat().map((i) => (d: Doc) => void d.nodes.splice(i % Math.max(1, d.nodes.length), 1)),
  fc.nat().map((i) => (d: Doc) => void d.edges.splice(i % Math.max(1, d.edges.length), 1)),
  // A node duplicated under a new id, fed by the same edges.
  fc.nat().map((i) => (d: Doc) => {
    const n = pick(d.nodes, i);
    if (!n) return;
    const copy = { ...structuredClone(n), id: `${n.id}_copy` };
    if (d.nodes.some((m) => m.id === copy.id)) return;
    d.nodes.push(copy);
    for (const e of d.edges.filter((e) => e.to[0] === n.id)) d.edges.push({ from: e.from, to: [copy.id, e.to[1]] });
  }),
);

const broken: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), fc.constantFrom('ghost', 'a.b', ''), fc.constantFrom('x', 'nope', '')).map(([i, node, port]) => (d: Doc) => {
    const e = pick(d.edges, i);
    if (e) e.to = [node, port];
  }),
  fc.tuple(fc.nat(), fc.constantFrom('out', 'fn', 'eps', 'shape', 'dtype', 'zzz'), junk).map(([i, k, v]) => (d: Doc) => {
    const n = pick(d.nodes, i);
    if (n) n.params[k] = v;
  }),
  fc.tuple(fc.nat(), fc.constantFrom(...types)).map(([i, t]) => (d: Doc) => {
    const n = pick(d.nodes, i);
    if (n) n.type = t;
  }),
  fc.tuple(fc.nat(), fc.constantFrom('a.b', '', '0x', 'ok_id')).map(([i, id]) => (d: Doc) => {
    const n = pick(d.nodes, i);
    if (n) n.id = id;
  }),
  fc.tuple(fc.nat(), junk).map(([i, v]) => (d: Doc) => {
    const n = pick(d.nodes, i);
    if (n) n.typeVersion = v;
  }),
  fc.tuple(fc.constantFrom('version', 'seed', 'format', 'weights', 'assets', 'meta', 'extra'), junk).map(([k, v]) => (d: Doc) => {
    (d as Record<string, unknown>)[k] = v;
  }),
);

const mutation = fc.oneof({ arbitrary: kept, weight: 6 }, { arbitrary: broken, weight: 1 });

const stages = { generated: 0, schema: 0, inferred: 0, validated: 0, compiled: 0, executed: 0 };
const RUNS = 3000;
// Compiling is cheap; creating sessions is not, so only a sample of the compiled documents runs.
const RUN_AT_MOST = 30;
const runtime = createNodeRuntime({ providers: ['cpu'] });
const engine = createEngine(runtime, { registry });
const toRun: ReturnType<typeof compileGraph>[] = [];

afterAll(() => {
  console.log(`mutation fuzzer: ${JSON.stringify(stages)}`);
});

describe('mutated graphs never cause an uncaught exception', () => {
  it('validation reports problems instead of throwing; compilation throws only ModalflowError; most documents reach infer()', () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 }), (b, mutations) => {
        const doc = structuredClone(bases[b % bases.length]!);
        for (const m of mutations) m(doc);
        stages.generated++;
        const text = JSON.stringify(doc);
        let schemaOk = true;
        try {
          parseGraph(text, { file: 'm.json' });
        } catch (e) {
          if (!isModalflowError(e)) throw e;
          schemaOk = false;
        }
        const v = validateGraphText(text, registry, { file: 'm.json' });
        for (const p of v.problems) {
          expect(p.code).toMatch(/^MF_[A-Z_]+$/);
          expect(p.message.length).toBeGreaterThan(0);
        }
        expect(v.analysis !== undefined).toBe(schemaOk);
        if (!v.analysis) return;
        stages.schema++;
        // infer() ran for an op node: its outputs have shapes.
        if ([...v.analysis.nodes.values()].some((n) => n.def.role === 'op' && n.def.infer && Object.keys(n.outputShapes).length > 0)) stages.inferred++;
        if (!v.ok || !v.doc) return;
        stages.validated++;
        try {
          const compiled = compileGraph(v.doc, registry);
          stages.compiled++;
          if (toRun.length < RUN_AT_MOST && compiled.plan.outputs.length > 0) toRun.push(compiled);
        } catch (e) {
          if (!isModalflowError(e)) throw e;
        }
      }),
      { numRuns: RUNS, seed: 20261128 },
    );
    expect(stages.schema / stages.generated).toBeGreaterThan(0.5);
    expect(stages.inferred / stages.generated).toBeGreaterThan(0.5);
  });

  it('documents that compile run, or fail with a coded error', async () => {
    let failed = 0;
    for (const compiled of toRun) {
      const program = await engine.load(compiled);
      try {
        const { outputs } = await program.run(sampleInputs(compiled.plan, { batch: 2, other: 3 }), { cache: false });
        expect(Object.keys(outputs).sort()).toEqual(compiled.plan.outputs.map((o) => o.name).sort());
        stages.executed++;
      } catch (e) {
        if (!isModalflowError(e)) throw e;
        failed++;
      } finally {
        await program.release();
      }
    }
    expect(stages.executed).toBeGreaterThan(failed);
  });
});
