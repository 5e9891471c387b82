import { readFileSync } from 'node:fs';
import { openHarness } from './browser/harness.ts';
const t0 = Date.now();
const h = await openHarness();
console.log('open', Date.now() - t0);
h.page.on('requestfailed', (r) => console.log('failed', r.url()));
h.page.on('response', (r) => { if (r.status() >= 400) console.log('status', r.status(), r.url()); });
const graph = readFileSync('../../examples/late-fusion/graph.json', 'utf8');
const inputs = { text: { dims: [2, 16], data: Array.from({ length: 32 }, (_, k) => Math.sin(k)) }, image: { dims: [2, 32], data: Array.from({ length: 64 }, (_, k) => Math.cos(k)) } };
for (const provider of ['wasm', 'webgpu', 'wasm', 'webgpu'] as const) for (const where of ['worker', 'inline'] as const) {
  const t = Date.now();
  const r = await h.call('runGraph', { graph, inputs, provider, where, reps: 5 });
  console.log(provider, where, 'load', r.loadMs.toFixed(0), 'first', r.firstRunMs.toFixed(0), 'runs', r.runMs.map((x) => x.toFixed(1)).join(','), 'total', Date.now() - t, JSON.stringify(r.providers['s2-fuse+2']));
}
console.log(h.logs.join('\n'));
await h.close();
