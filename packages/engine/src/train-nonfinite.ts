import type { Tensor } from '@modalflow/core';
import { lowerSegment, type BatchShapes, type TrainSetup } from '@modalflow/compiler';
import { encodeModel } from '@modalflow/onnx';
import type { Provider, Runtime } from './runtime.ts';

/**
 * Re-runs the forward pass with every node output exported and returns the first tensor, in
 * graph order, holding a NaN or an infinity: where a diverging run went wrong.
 */
export async function firstNonFinite(
  setup: TrainSetup,
  runtime: Runtime,
  feeds: Record<string, Tensor>,
  shapes: BatchShapes,
  weights: Map<string, Tensor>,
  providers?: Provider[],
): Promise<{ tensor: string; what: string } | undefined> {
  const { analysis, stepNodes } = setup;
  const order: string[] = [];
  for (const id of stepNodes) {
    const info = analysis.nodes.get(id)!;
    for (const port of Object.keys(info.outputs)) if (info.outputDtypes[port] === 'float32') order.push(`${id}.${port}`);
  }
  const { graph, inputs, outputs } = lowerSegment(analysis, 'diagnose', stepNodes, new Set(order), weights, {}, setup.inline);
  for (const v of graph.inputs) if (shapes[v.name]) v.shape = [...shapes[v.name]!];
  const session = await runtime.createSession(encodeModel(graph, { opset: 17 }), { providers, label: 'diagnose' });
  try {
    const run: Record<string, Tensor> = {};
    for (const b of inputs) run[b.name] = feeds[b.tensor]!;
    const out = await session.run(run);
    for (const tensor of order) {
      const name = outputs.find((b) => b.tensor === tensor)?.name;
      const t = name ? out[name] : undefined;
      if (!t) continue;
      const data = t.data as Float32Array;
      for (let k = 0; k < data.length; k++) {
        const v = data[k]!;
        if (!Number.isFinite(v)) return { tensor, what: `${v} at flat index ${k} of [${t.dims.join(', ')}]` };
      }
    }
    return undefined;
  } finally {
    await session.release();
  }
}
