import { compileGraph } from '@modalflow/compiler';
import { decodeModel } from '@modalflow/onnx';
import { example, registry } from './src/fixtures.ts';
const c = compileGraph(example('late-fusion').doc, registry);
for (const [k, m] of Object.entries(c.models)) { const d: any = decodeModel(m); console.log(k, JSON.stringify(Object.keys(d)), JSON.stringify((d.graph?.nodes ?? d.nodes ?? []).map((n: any) => n.opType ?? n.op))); }
