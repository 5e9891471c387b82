import { createNodeRuntime } from './src/index.ts';
import { OnnxGraph, encodeModel } from '@modalflow/onnx';
const g = new OnnxGraph('m'); const x = g.addInput('x', 'float32', ['N', 4]); const w = g.constFloat([1,0,0,1,1,0,0,1], [4, 2]);
g.identity(g.op('MatMul', [x, w]), 'y'); g.addOutput('y', 'float32', ['N', 2]);
const bytes = encodeModel(g, { opset: 17 });
const rt = createNodeRuntime();
const t0 = performance.now();
const s = await rt.createSession(bytes, { label: 'stage1' });
console.log(s.provider, (performance.now()-t0).toFixed(0), JSON.stringify(s.attempts, null, 1));
console.log(await s.run({ x: { dtype: 'float32', dims: [1, 4], data: new Float32Array([1,2,3,4]) } }));
const t1 = performance.now();
const s2 = await rt.createSession(bytes, { label: 'stage2' });
console.log(s2.provider, (performance.now()-t1).toFixed(0), s2.attempts.map(a=>[a.provider,a.ms.toFixed(1)]));
console.log(JSON.stringify(await rt.describeProviders(), null, 1));
try { await rt.createSession(new Uint8Array([1,2,3])); } catch (e) { console.log(String(e)); }
