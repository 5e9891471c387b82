import { createEngine, HostSteps } from '@modalflow/engine';
import { createRegistry } from '@modalflow/nodes';
import { createWebRuntime } from '@modalflow/runtime-web';
import { batchesFor } from '../train-batches.ts';
import { setupFor } from '../train-setup.ts';
import type { TrainPageApi, TrainReply, TrainRequest } from '../train-wire.ts';

// Compiling the train step, differentiating it and running it all happen here in the page,
// from the same graph text as in Node: only onnxruntime differs.
const registry = createRegistry();
const hostSteps = HostSteps.fromRegistry(registry);

async function train(req: TrainRequest): Promise<TrainReply> {
  const t0 = performance.now();
  const runtime = createWebRuntime({ providers: [req.provider] });
  try {
    const setup = setupFor(req.graph, registry, req.optimizer);
    const program = await createEngine(runtime, { hostSteps }).train(setup, { providers: [req.provider] });
    const losses: number[] = [];
    for (const batch of batchesFor(req.example, req.steps, req.batchSize, req.seed)) losses.push((await program.step(batch)).loss);
    const weights: Record<string, number[]> = {};
    for (const [name, t] of await program.weights()) weights[name] = Array.from(t.data as Float32Array);
    const provider = program.provider;
    await program.release();
    return { losses, weights, provider, ms: performance.now() - t0 };
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}`, ms: performance.now() - t0 };
  } finally {
    await runtime.close().catch(() => undefined);
  }
}

(globalThis as unknown as { training: TrainPageApi }).training = { train };
document.title = 'ready';
