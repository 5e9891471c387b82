/**
 * The full-size examples' tokenizer variants (examples/<name>/graph-tokenizer.json): the real
 * tokenizer.json (CLIP byte-level BPE, BERT WordPiece) in place of the word-level stand-in or
 * the token-id inputs. Each must analyse without problems with a tokenizer of that kind bound
 * to its `tokenizer` asset, and its ids and mask must reach the same nodes with the lengths the
 * model was trained with. (The fixtures are tiny tokenizers of the same kind as the published
 * files, which a user passes with --asset tokenizer=… or --model-dir.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeGraph, parseGraph, type AssetData } from '@modalflow/core';
import { bertWordPiece, clipBpeFixture } from '@modalflow/nodes/testing';
import { ROOT, registry } from './fixtures.ts';

const bert = new TextEncoder().encode(JSON.stringify(bertWordPiece()));
const CASES: [string, 'bpe' | 'wordpiece', number, string[]][] = [
  ['clip', 'bpe', 77, ['text_embed', 'text_pool']],
  ['albef', 'wordpiece', 25, ['text_embed', 'text_encoder', 'fusion']],
  ['vilbert', 'wordpiece', 23, ['text_embed', 'text_1_6', 'co_layer_1']],
  ['vilt', 'wordpiece', 40, ['text_embed', 'concat']],
  ['lxmert', 'wordpiece', 20, ['text_embed', 'language_layers', 'cross_layers']],
  ['uniter', 'wordpiece', 60, ['text_embed', 'concat']],
];

describe('full-size examples with the real tokenizer', () => {
  for (const [example, kind, length, consumers] of CASES) {
    it(`${example}: ${kind} tokenizer.json`, () => {
      const file = `${ROOT}examples/${example}/graph-tokenizer.json`;
      const doc = parseGraph(readFileSync(file, 'utf8'), { file });
      const bytes = kind === 'bpe' ? clipBpeFixture().files['tokenizer.json'] : bert;
      const asset = (name: string): AssetData | undefined => (name === 'tokenizer' ? { name, uri: 'tokenizer.json', bytes } : undefined);
      const analysis = analyzeGraph(doc, registry, { file, asset });
      expect(analysis.problems.filter((p) => p.severity !== 'warning')).toEqual([]);
      expect(analysis.nodes.get('tokenize')!.outputShapes['ids']).toEqual(['B', length]);
      const fed = [...analysis.incoming.entries()].filter(([, e]) => e.from[0] === 'tokenize').map(([to]) => to.split('.')[0]);
      for (const node of consumers) expect(fed.some((id) => id === node || id!.startsWith(`${node}.`)), `${node} reads the tokenizer`).toBe(true);
    });
  }
});
