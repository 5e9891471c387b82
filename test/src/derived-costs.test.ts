import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseGraph } from '@modalflow/core';
import { analyzeOrThrow, derivedCosts } from '@modalflow/compiler';
import { ROOT, registry } from './fixtures.ts';

/**
 * Every node's hand-written parameter and FLOP counts against what its lowering emits, counted
 * by the IR: parameters must agree exactly; FLOPs within a factor of two, since the formulas
 * round small terms (a bias add, a mask) that the IR counts one by one.
 */
const dir = `${ROOT}examples/`;
const graphs = readdirSync(dir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(`${dir}${d.name}/tiny.json`))
  .map((d) => d.name)
  .sort();

describe('costs derived from the lowering agree with each node type\'s own', () => {
  it.each(graphs)('%s (tiny)', (name) => {
    const file = `${name}/tiny.json`;
    const doc = parseGraph(readFileSync(`${dir}${file}`, 'utf8'), { file });
    const analysis = analyzeOrThrow(doc, registry, { file, symbols: { B: 2 } });
    const rows: string[] = [];
    for (const id of analysis.order) {
      const info = analysis.nodes.get(id)!;
      if (!info.def.lower) continue;
      const d = derivedCosts(analysis, id, { B: 2 });
      expect(d.params, `${id} (${info.def.type}) parameters`).toBe(info.paramCount);
      rows.push(`${id} ${info.def.type}: declared ${info.flops}, derived ${d.flops}`);
      // Sizes left symbolic besides the batch count as 1, which some ops cannot run at (a patch
      // embedding of a 1x1 picture); only those nodes may go without a FLOP count.
      const symbolic = Object.values(info.inputShapes).some((shape) => shape.some((dim) => typeof dim === 'string' && dim !== 'B'));
      if (d.flops === undefined && symbolic) continue;
      expect(d.flops, `${id} (${info.def.type}) FLOPs could not be derived`).toBeDefined();
      if (info.flops === 0 && d.flops === 0) continue;
      const ratio = d.flops! / Math.max(info.flops, 1);
      expect(ratio, `${id} (${info.def.type}) FLOPs: ${rows.at(-1)}`).toBeGreaterThan(0.5);
      expect(ratio, `${id} (${info.def.type}) FLOPs: ${rows.at(-1)}`).toBeLessThan(2);
    }
  });
});
