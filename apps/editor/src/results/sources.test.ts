import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '@modalflow/core';
import { createRegistry } from '@modalflow/nodes';
import { clipLike, viltLike } from '../test/runGraphs.ts';
import { attentionSources, barSources, inputUpstream, matrixSources } from './sources.ts';

const registry = createRegistry();

describe('where result views find their data', () => {
  it('finds the patches under an attention map: after the text in ViLT, alone in a ViT', () => {
    expect(attentionSources(analyzeGraph(viltLike(), registry))).toEqual([
      { tap: 'encoder.attn', node: 'encoder', port: 'attn', patch: { embed: 'patch_embed', pixels: 'preprocess.pixel_values', patch: 16, classToken: true, position: 'end', image: 'image', crop: false } },
    ]);
    expect(attentionSources(analyzeGraph(clipLike(), registry))[0]!.patch).toMatchObject({ position: 'start', image: 'image', pixels: 'preprocess.pixel_values', crop: true });
  });

  it('draws bars for top-k nodes and for probs no top-k node ranks, with names for two-way heads', () => {
    expect(barSources(analyzeGraph(viltLike(), registry))).toEqual([
      { kind: 'topk', node: 'answers', scores: 'answers.scores', labels: 'answers.labels', indices: 'answers.indices', from: 'head.probs' },
      { kind: 'probs', node: 'itm', tap: 'itm.probs', classNames: ['no match', 'match'] },
    ]);
  });

  it('labels a similarity matrix’s rows and columns by the inputs they trace back to', () => {
    const analysis = analyzeGraph(clipLike(), registry);
    expect(matrixSources(analysis)).toEqual([{ node: 'similarity', tap: 'similarity.logits_per_image', rows: 'image', cols: 'caption' }]);
    expect(inputUpstream(analysis, 'similarity', 'text', 'image')).toBeUndefined();
  });
});
