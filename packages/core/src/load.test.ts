import { describe, expect, it } from 'vitest';
import { parseGraph, serializeGraph } from './load.ts';
import { ModalflowError } from './errors.ts';

const ok = { format: 'modalflow.graph', version: 1, nodes: [{ id: 'a', type: 'x.y', typeVersion: 1 }] };

function codeOf(text: string): ModalflowError {
  try {
    parseGraph(text, { file: 'g.json' });
  } catch (e) {
    return e as ModalflowError;
  }
  throw new Error('expected an error');
}

describe('parseGraph', () => {
  it('loads a minimal document and fills defaults', () => {
    const doc = parseGraph(JSON.stringify(ok));
    expect(doc.seed).toBe(0);
    expect(doc.edges).toEqual([]);
    expect(doc.nodes[0]!.params).toEqual({});
    expect(parseGraph(serializeGraph(doc))).toEqual(doc);
  });

  it('reports invalid JSON with its position', () => {
    const e = codeOf('{\n  "format": "modalflow.graph",\n  oops\n}');
    expect(e.code).toBe('MF_INVALID_JSON');
    expect(e.message).toMatch(/line 3/);
    expect(e.at.file).toBe('g.json');
  });

  it('refuses non-graphs, newer versions and schema violations with paths', () => {
    expect(codeOf('[]').code).toBe('MF_NOT_A_GRAPH');
    expect(codeOf('{"format":"other"}').code).toBe('MF_NOT_A_GRAPH');
    expect(codeOf(JSON.stringify({ ...ok, version: 2 })).code).toBe('MF_VERSION_TOO_NEW');
    const bad = codeOf(JSON.stringify({ ...ok, nodes: [{ id: 'a.b', type: 'x.y', typeVersion: 1 }, { id: 'c', type: 'x.y', typeVersion: 0 }] }));
    expect(bad.code).toBe('MF_SCHEMA');
    expect(bad.problems.map((p) => p.at.path)).toEqual(['/nodes/0/id', '/nodes/1/typeVersion']);
    expect(bad.problems[1]!.at.node).toBe('c');
    const extra = codeOf(JSON.stringify({ ...ok, evil: 'x' }));
    expect(extra.code).toBe('MF_SCHEMA');
  });

  it('never evaluates content: a __proto__ key is data, not a prototype', () => {
    const doc = parseGraph(JSON.stringify(ok).replace('"nodes"', '"meta":{"__proto__":{"polluted":true}},"nodes"'));
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(doc.nodes).toHaveLength(1);
  });
});

describe('parseJson locations', () => {
  it('names line and column for errors V8 reports without a position', () => {
    expect(codeOf('{"nodes": [,]}').message).toBe('MF_INVALID_JSON: not valid JSON at line 1, column 12: value expected (g.json)');
    expect(codeOf('{\n  "a": 1,\n}').message).toMatch(/line 3, column 1: /);
    expect(codeOf('{"a": 1').message).toMatch(/line 1, column 8: close brace expected/);
    expect(codeOf('').message).toMatch(/not valid JSON/);
  });
});
