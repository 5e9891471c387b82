import { readFileSync } from 'node:fs';
import { parseGraph } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { createRegistry } from '@modalflow/nodes';
import { readModel } from '@modalflow/onnx';
const reg = createRegistry();
const every = new Set<string>();
for (const f of process.argv.slice(2)) {
  try {
    const doc = parseGraph(readFileSync(f, 'utf8'), { file: f });
    const c = compileGraph(doc, reg, { file: f });
    const ops = new Set<string>();
    const inits: string[] = [];
    for (const s of c.plan.stages) {
      if (s.kind !== 'onnx') { ops.add('HOST:' + s.step); continue; }
      const { graph } = readModel(c.models[s.model]!) as any;
      for (const n of graph.nodes) { ops.add((n.domain ? n.domain + ':' : '') + n.opType); every.add(n.opType); }
      inits.push(...[...graph.initializers.keys()]);
    }
    console.log(f.split('/').at(-2), [...ops].sort().join(' '));
    console.log('  inits:', inits.slice(0, 10).join(' '), inits.length);
  } catch (e) { console.log(f, 'ERR', String(e).slice(0, 300)); }
}
console.log('ALL', [...every].sort().join(' '));
