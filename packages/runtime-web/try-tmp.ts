import { readFileSync } from 'node:fs';
import { openHarness } from '/work/main/packages/runtime-web/browser/harness.ts';
const t0 = Date.now();
const h = await openHarness();
console.log('open', Date.now() - t0);
const graph = readFileSync('/work/main/examples/late-fusion/graph.json', 'utf8');
try {
  console.log(JSON.stringify(await h.call('providers')));
  for (const p of ['wasm', 'webgpu'] as const) for (const w of ['worker', 'inline'] as const) {
    const t = Date.now();
    console.log(p, w, JSON.stringify(await h.call('runStages', graph, p, w)), Date.now() - t);
  }
  console.log(JSON.stringify(await h.call('transfer', graph)));
  console.log(JSON.stringify(await h.call('badModel', 'worker')));
  console.log(JSON.stringify(await h.call('badModel', 'inline')));
} catch (e) { console.log('ERR', e); }
console.log(h.logs.join('\n'));
await h.close();
