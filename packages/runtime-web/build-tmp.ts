import { buildPage } from '/work/main/packages/runtime-web/browser/serve.ts';
const t0 = Date.now();
await buildPage('/tmp/rw/dist');
console.log('build ms', Date.now() - t0);
