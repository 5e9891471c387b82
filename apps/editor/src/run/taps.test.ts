import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { createRegistry } from '@modalflow/nodes';
import { clipLike, viltLike } from '../test/runGraphs.ts';
import { attentionTaps, tapsFor, viewTaps } from './taps.ts';

const registry = createRegistry();

describe('taps', () => {
  it('keeps every attention map, wired or not, and what the result views draw', () => {
    const vilt = analyzeGraph(viltLike(), registry);
    expect(attentionTaps(vilt)).toEqual(['encoder.attn']);
    expect(viewTaps(vilt).sort()).toEqual(['answers.labels', 'answers.scores', 'encoder.attn', 'head.probs', 'itm.probs', 'preprocess.pixel_values'].sort());
    const clip = analyzeGraph(clipLike(), registry);
    expect(viewTaps(clip).sort()).toEqual(['preprocess.pixel_values', 'similarity.logits_per_image', 'similarity.logits_per_text', 'vision.attn']);
  });

  it('adds inspected ports, drops ones that no longer exist, and compiles', () => {
    const analysis = analyzeGraph(clipLike(), registry);
    const taps = tapsFor(analysis, ['text_pool.pooled', 'gone.y', 'vision.nope', 'vision.attn']);
    expect(taps).toEqual(['preprocess.pixel_values', 'similarity.logits_per_image', 'similarity.logits_per_text', 'text_pool.pooled', 'vision.attn']);
    expect(compileGraph(clipLike(), registry, { taps }).plan.taps).toEqual(taps);
  });
});

describe('taps inside blocks', () => {
  it('keep attention maps of inner nodes by their dotted ids, and compile', () => {
    const doc = clipLike();
    const vision = doc.nodes.find((n) => n.id === 'vision')!;
    doc.blocks = {
      tower: { version: 1, params: {}, inputs: { x: { to: [['enc', 'x']] } }, outputs: { y: { from: ['enc', 'y'] } }, nodes: [{ ...vision, id: 'enc' }], edges: [] },
    };
    vision.type = 'block:tower';
    vision.params = {};
    doc.edges = doc.edges.map((e) => (e.from[0] === 'vision' && e.from[1] === 'y' ? e : e.from[0] === 'vision' ? { ...e, from: ['vision', 'y'] } : e));
    const analysis = analyzeGraph(doc, registry);
    expect(analysis.problems.filter((p) => p.severity !== 'warning')).toEqual([]);
    const taps = tapsFor(analysis, ['vision.enc.y', 'vision.y']);
    expect(taps).toContain('vision.enc.attn');
    expect(taps).toContain('vision.enc.y');
    expect(taps).not.toContain('vision.y');
    expect(compileGraph(doc, registry, { taps }).plan.taps).toEqual(taps);
  });
});
