import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '@modalflow/core';
import { checkWeights } from '@modalflow/compiler';
import { readSafetensors } from '@modalflow/onnx';
import { createRegistry } from '@modalflow/nodes';
import { loadExamples } from './examples.ts';

describe('examples gallery', () => {
  it('bundles every example graph and each one loads and analyses cleanly', () => {
    const examples = loadExamples();
    expect(examples.map((e) => e.id)).toContain('late-fusion');
    const registry = createRegistry();
    for (const ex of examples) {
      expect(ex.error, ex.id).toBeNull();
      expect(ex.title).not.toBe('');
      // Examples built on pretrained files need them loaded; everything else must check out.
      const problems = analyzeGraph(ex.doc!, registry).problems.filter((p) => p.severity !== 'warning' && p.code !== 'MF_ASSET_NOT_LOADED');
      expect(problems, ex.id).toEqual([]);
      if (ex.tiny) expect(analyzeGraph(ex.tiny, registry).problems.filter((p) => p.severity !== 'warning'), `${ex.id} tiny`).toEqual([]);
    }
    // The toy-sized variants are what runs in the browser in seconds.
    expect(examples.find((e) => e.id === 'vilt')?.tiny?.meta.title).toMatch(/tiny/i);
  });

  it('offers the trained weights of every tiny variant that has them, and each file fits its graph', () => {
    const trained = loadExamples().filter((e) => e.trained);
    expect(trained.map((e) => e.id)).toEqual(expect.arrayContaining(['image-captioning', 'audio-text', 'video-qa']));
    const registry = createRegistry();
    for (const ex of trained) {
      const bytes = readFileSync(new URL(`../../../../examples/${ex.id}/trained.safetensors`, import.meta.url));
      const analysis = analyzeGraph(ex.tiny!, registry);
      expect(() => checkWeights(analysis, readSafetensors(new Uint8Array(bytes), { file: ex.id }).tensors, ex.id), ex.id).not.toThrow();
    }
  });

  it('reports an example that does not load instead of dropping it', () => {
    const [bad] = loadExamples({ '/x/examples/broken/graph.json': '{"format":"modalflow.graph","version":9,"nodes":[]}' }, { '/x/examples/broken/tiny.json': '{' });
    expect(bad).toMatchObject({ id: 'broken', doc: null, error: expect.stringContaining('MF_VERSION_TOO_NEW'), tiny: null });
  });
});
