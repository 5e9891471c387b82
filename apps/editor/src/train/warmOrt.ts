import { OnnxGraph, encodeModel } from '@modalflow/onnx';
import { createInlineWebRuntime } from '@modalflow/runtime-web';

/**
 * Fetches and compiles onnxruntime-web's wasm in this realm by opening (and closing) a
 * one-node session. ORT keeps its wasm instance per realm, so a run started afterwards in the
 * same worker finds it ready: the download and the compile, which saturate the CPU for a
 * second or more, then happen while the Train panel is idle rather than right after Train.
 */
export async function warmOrt(): Promise<void> {
  const g = new OnnxGraph('warm_up');
  const x = g.addInput('x', 'float32', [1]);
  g.identity(x, 'y');
  g.addOutput('y', 'float32', [1]);
  const runtime = createInlineWebRuntime({ providers: ['wasm'] });
  try {
    const session = await runtime.createSession(encodeModel(g), { label: 'warm-up' });
    await session.release();
  } finally {
    await runtime.close();
  }
}
