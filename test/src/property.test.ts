import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isModalflowError, validateGraphText } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { example, registry } from './fixtures.ts';

const base = JSON.parse(example('late-fusion').text) as { nodes: any[]; edges: any[] } & Record<string, unknown>;
const ids = base.nodes.map((n) => n.id as string);
const ports = ['x', 'y', 'a', 'b', 'h', 'value', 'probs', 'logits', 'nope'];
const types = [...registry.list().map((d) => d.type), 'no.such'];
const junk = fc.oneof(fc.integer({ min: -5, max: 5000 }), fc.double(), fc.string(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.constantFrom('B, 16', 'B, 32, 2', '', 'x,,', 'B, -1', '3'));

type Doc = typeof base;
const mutation: fc.Arbitrary<(d: Doc) => void> = fc.oneof(
  fc.nat().map((i) => (d: Doc) => void d.nodes.splice(i % d.nodes.length, 1)),
  fc.nat().map((i) => (d: Doc) => void d.edges.splice(i % Math.max(1, d.edges.length), 1)),
  fc.tuple(fc.nat(), fc.constantFrom(...ids, 'ghost'), fc.constantFrom(...ports), fc.boolean()).map(([i, node, port, from]) => (d: Doc) => {
    if (d.edges.length) d.edges[i % d.edges.length][from ? 'from' : 'to'] = [node, port];
  }),
  fc.tuple(fc.constantFrom(...ids, 'ghost'), fc.constantFrom(...ports), fc.constantFrom(...ids), fc.constantFrom(...ports)).map(
    ([a, p, b, q]) => (d: Doc) => void d.edges.push({ from: [a, p], to: [b, q] }),
  ),
  fc.tuple(fc.nat(), fc.constantFrom('out', 'fn', 'eps', 'shape', 'dtype', 'classes', 'variant', 'hidden', 'output', 'zzz'), junk).map(
    ([i, k, v]) => (d: Doc) => {
      if (d.nodes.length) d.nodes[i % d.nodes.length].params[k] = v;
    },
  ),
  fc.tuple(fc.nat(), fc.constantFrom(...types)).map(([i, t]) => (d: Doc) => {
    if (d.nodes.length) d.nodes[i % d.nodes.length].type = t;
  }),
  fc.tuple(fc.nat(), fc.constantFrom(...ids, 'a.b', '', '0x')).map(([i, id]) => (d: Doc) => {
    if (d.nodes.length) d.nodes[i % d.nodes.length].id = id;
  }),
  fc.tuple(fc.nat(), junk).map(([i, v]) => (d: Doc) => {
    if (d.nodes.length) d.nodes[i % d.nodes.length].typeVersion = v;
  }),
  fc.tuple(fc.constantFrom('version', 'seed', 'format', 'weights', 'assets', 'meta', 'extra'), junk).map(([k, v]) => (d: Doc) => {
    (d as Record<string, unknown>)[k] = v;
  }),
);

describe('mutated graphs never cause an uncaught exception', () => {
  it('validation reports problems instead of throwing; compilation throws only ModalflowError', () => {
    let compiled = 0;
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        const doc = structuredClone(base);
        for (const m of mutations) m(doc);
        const v = validateGraphText(JSON.stringify(doc), registry, { file: 'm.json' });
        for (const p of v.problems) {
          expect(p.code).toMatch(/^MF_[A-Z_]+$/);
          expect(p.message.length).toBeGreaterThan(0);
        }
        if (v.ok && v.doc && compiled < 150) {
          compiled++;
          try {
            compileGraph(v.doc, registry);
          } catch (e) {
            if (!isModalflowError(e)) throw e;
          }
        }
      }),
      { numRuns: 3000, seed: 20261128 },
    );
  });
});
