import { describe, expect, it } from 'vitest';
import { analyzeGraph } from './analyze.ts';
import { parseGraph, serializeGraph } from './load.ts';
import { sha256Hex } from './hash.ts';
import { serializeBlockLibrary } from './block-library.ts';
import { blockRegistry as registry, mlpBlock, twoInstances } from './block-fixtures.ts';
import type { GraphDoc } from './document.ts';

const library = serializeBlockLibrary({ mlp: mlpBlock() }, { title: 'layers' });

function usingLibrary(sha256 = sha256Hex(library), uri = 'blocks/layers.json'): GraphDoc {
  const { blocks: _, ...doc } = twoInstances();
  return { ...doc, blockLibraries: [{ uri, sha256 }] };
}

describe('block library files', () => {
  it('supply blocks to a graph that pins them by SHA-256', () => {
    const files: Record<string, string> = { 'blocks/layers.json': library };
    const a = analyzeGraph(usingLibrary(), registry, { file: 'g.json', library: (uri) => files[uri] });
    expect(a.problems).toEqual([]);
    expect(a.nodes.has('l2.down')).toBe(true);
    expect(a.blocks.get('mlp')!.library).toBe('blocks/layers.json');
  });

  it('a missing file is a coded error at its entry', () => {
    const [p] = analyzeGraph(usingLibrary(), registry, { file: 'g.json', library: () => undefined }).problems;
    expect(p).toMatchObject({ code: 'MF_BLOCK_FILE_MISSING', at: { file: 'g.json', path: '/blockLibraries/0/uri' } });
  });

  it('a file changed since the graph pinned it is refused', () => {
    const tampered = library.replace('"dim * 2"', '"dim * 3"');
    const [p, ...rest] = analyzeGraph(usingLibrary(), registry, { library: () => tampered }).problems;
    expect(p).toMatchObject({ code: 'MF_BLOCK_FILE_HASH', at: { file: 'blocks/layers.json' } });
    // The instances stay in the graph unexpanded, each saying which block it lacks.
    expect(rest.map((x) => x.code)).toEqual(['MF_UNKNOWN_BLOCK', 'MF_UNKNOWN_BLOCK']);
  });

  it('a path leaving the graph folder is refused without being read', () => {
    let read = false;
    const [p] = analyzeGraph(usingLibrary(undefined, '../secret.json'), registry, { library: () => ((read = true), library) }).problems;
    expect(p!.code).toBe('MF_ASSET_ESCAPES');
    expect(read).toBe(false);
  });

  it('errors inside a library block name the library file', () => {
    const broken = serializeBlockLibrary({ mlp: mlpBlock({ outputs: { y: { from: ['gone', 'y'] } } }) });
    const [p] = analyzeGraph(usingLibrary(sha256Hex(broken)), registry, { file: 'g.json', library: () => broken }).problems;
    expect(p).toMatchObject({ code: 'MF_BLOCK_PORT_REF', at: { file: 'blocks/layers.json', block: 'mlp', path: '/blocks/mlp/outputs/y/from' } });
  });

  it('the same block name in the graph and a library is an error', () => {
    const doc = { ...usingLibrary(), blocks: { mlp: mlpBlock() } };
    expect(analyzeGraph(doc, registry, { library: () => library }).problems.map((p) => p.code)).toEqual(['MF_BLOCK_DUPLICATE']);
  });
});

describe('documents with blocks', () => {
  it('save and load unchanged, and refuse a library entry without a hash', () => {
    const doc = twoInstances();
    expect(parseGraph(serializeGraph(parseGraph(JSON.stringify(doc))))).toEqual(parseGraph(JSON.stringify(doc)));
    const bad = { ...doc, blockLibraries: [{ uri: 'x.json' }] };
    expect(() => parseGraph(JSON.stringify(bad))).toThrow(expect.objectContaining({ code: 'MF_SCHEMA', at: expect.objectContaining({ path: '/blockLibraries/0/sha256' }) }));
  });

  it('refuses a block name with a dot, since it becomes part of weight names', () => {
    const doc = { ...twoInstances(), blocks: { 'a.b': mlpBlock() } };
    expect(() => parseGraph(JSON.stringify(doc))).toThrow(expect.objectContaining({ code: 'MF_SCHEMA' }));
  });
});
