/**
 * Every checkpoint map against the full-size graph: the key list of the full-size checkpoint
 * (names, dtypes and shapes, committed beside the map in weights-maps/keys/) goes through the
 * map with shape-only stand-in tensors, and no key may be left unplaced, and no graph weight
 * seeded beyond those the checkpoint does not have by design.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyWeightsMap, parseGraph, parseWeightsMap, type DType, type Tensor } from '@modalflow/core';
import { analyzeOrThrow, weightTargets } from '@modalflow/compiler';
import { ROOT, registry } from './fixtures.ts';

interface Case {
  example: string;
  map: string;
  /** Key list file in weights-maps/keys/ (default: the map's name). */
  keys?: string;
  /** Graph weights the checkpoint does not hold, with the reason. */
  seeded?: RegExp;
  /**
   * The bare model of a task checkpoint (Hugging Face `ViltModel`, `LxmertModel`): only the keys
   * under this prefix, without it. Their heads then stay seeded.
   */
  base?: string;
}

const CASES: Case[] = [
  { example: 'clip', map: 'openai' },
  { example: 'clip', map: 'hf' },
  { example: 'lxmert', map: 'airsplay' },
  { example: 'lxmert', map: 'hf' },
  { example: 'uniter', map: 'uniter' },
  { example: 'vilbert', map: 'vilbert' },
  { example: 'albef', map: 'albef' },
  { example: 'vilt', map: 'vilt' },
  // ViltForQuestionAnswering has no matching head.
  { example: 'vilt', map: 'hf', seeded: /^itm_head\./ },
  { example: 'vilt', map: 'hf', base: 'vilt.', seeded: /^(itm_head|vqa_head)\./ },
  { example: 'lxmert', map: 'hf', base: 'lxmert.', seeded: /^(mlm_head|match_head|region_head|qa_head)\./ },
  // GPT-2 fills the decoder; the image encoder, and plain GPT-2's missing cross-attention, stay seeded.
  { example: 'image-captioning', map: 'gpt2', seeded: /^(?!decoder\.)|^decoder\.layers\.\d+\.(cross_attn|layer_norm_cross)\./ },
  { example: 'image-captioning', map: 'gpt2', keys: 'gpt2-cross', seeded: /^(?!decoder\.)/ },
];

function standIns(file: string, base?: string): Map<string, Tensor> {
  const { keys } = JSON.parse(readFileSync(file, 'utf8')) as { keys: Record<string, [string, number[]]> };
  const out = new Map<string, Tensor>();
  for (const [key, [dtype, dims]] of Object.entries(keys)) {
    if (base !== undefined && !key.startsWith(base)) continue;
    const name = base === undefined ? key : key.slice(base.length);
    const data = dtype === 'int64' ? new BigInt64Array(0) : dtype === 'float16' ? new Uint16Array(0) : new Float32Array(0);
    out.set(name, { dtype: dtype as DType, dims, data });
  }
  return out;
}

describe('checkpoint maps place every key of a full-size checkpoint', () => {
  for (const c of CASES) {
    it(`${c.example}: ${c.map}${c.base ? ` (bare model, without ${c.base})` : ''}`, () => {
      const dir = `${ROOT}examples/${c.example}`;
      const file = `${dir}/graph.json`;
      const doc = parseGraph(readFileSync(file, 'utf8'), { file });
      const analysis = analyzeOrThrow(doc, registry, { file });
      const map = parseWeightsMap(readFileSync(`${dir}/weights-maps/${c.map}.json`, 'utf8'));
      const source = standIns(`${dir}/weights-maps/keys/${c.keys ?? c.map}.json`, c.base);
      const { report } = applyWeightsMap(map, source, weightTargets(analysis), { shapesOnly: true });
      expect(report.unplaced).toEqual([]);
      const seeded = report.seeded.filter((name) => !c.seeded?.test(name));
      expect(seeded, 'graph weights the checkpoint should have filled').toEqual([]);
      if (c.base) expect(report.seeded.length, 'a bare model leaves its heads seeded').toBeGreaterThan(0);
      console.log(`${c.example} ${c.map}${c.base ? ' (bare)' : ''}: ${source.size} keys, ${report.placed.size} weights placed, ${report.dropped.length} dropped, ${report.seeded.length} seeded`);
    });
  }
});
