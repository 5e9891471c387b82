/**
 * Writes what make_training_fixtures.py needs to replay ModalFlow's training in PyTorch: the
 * seeded initial weights of the two parity graphs and fixed batches, as the tensors that enter
 * the train step (for tiny CLIP, the pixel values and token ids the host steps produce, taken
 * from the step's boundary; for late fusion, the features and int64 labels as they are fed).
 * The raw batches (uint8 images, caption strings) go along so the fixtures can carry them and
 * the test can feed TrainProgram exactly what a user would.
 *
 *   npx tsx test/parity/export-training-inputs.ts [outDir]    (default /tmp/modalflow-training-parity)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseGraph, type GraphDoc, type Tensor } from '@modalflow/core';
import { compileGraph, prepareTraining } from '@modalflow/compiler';
import { createEngine } from '@modalflow/engine';
import { writeSafetensors } from '@modalflow/onnx';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { createRegistry } from '@modalflow/nodes';
import { examplesOf, generateWorld } from '@modalflow/world';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const out = process.argv[2] ?? '/tmp/modalflow-training-parity';
const registry = createRegistry();

/** The graphs compared, by fixture name; paths are relative to the repository root. */
export const PARITY_GRAPHS = { late_fusion: 'test/parity/late-fusion-train.json', clip: 'examples/clip/tiny.json' } as const;

/** Same generator as test/src/fixtures.ts `floats`: uniform in [-1, 1) from a 32-bit LCG. */
function floats(dims: number[], seed: number): Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let k = 0; k < n; k++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[k] = (s / 2 ** 32) * 2 - 1;
  }
  return { dtype: 'float32', dims, data };
}

/** Two batches of 8 with every class present, so cross-entropy sees all 4 rows of the head. */
function lateFusionBatches(): Record<string, Tensor>[] {
  return [0, 1].map((k) => ({
    text: floats([8, 16], 11 + k),
    image: floats([8, 32], 111 + k),
    label: { dtype: 'int64', dims: [8], data: BigInt64Array.from({ length: 8 }, (_, n) => BigInt((n * 3 + k) % 4)) },
  }));
}

/** Two batches of 4 picture-caption pairs from the teaching world (what `modalflow train` uses). */
function clipBatches(): Record<string, Tensor>[] {
  const ex = examplesOf(generateWorld({ seed: 3, count: 32 }), 'train').slice(0, 8);
  return [0, 1].map((k) => {
    const part = ex.slice(4 * k, 4 * k + 4);
    const [h, w, c] = part[0]!.image.dims.slice(-3) as [number, number, number];
    return {
      image: { dtype: 'uint8', dims: [4, h, w, c], data: new Uint8Array(part.flatMap((e) => Array.from(e.image.data as Uint8Array))) },
      text: { dtype: 'string', dims: [4], data: part.map((e) => e.caption) },
    };
  });
}

/**
 * The tiny CLIP step starts at the raw uint8 image (preprocess.image is lowered into the step, not
 * a host step), so PyTorch gets the pixel values ModalFlow's preprocessing computes: the same
 * graph with an extra output on `preprocess.pixel_values`, run forward.
 */
async function pixelValues(doc: GraphDoc, batch: Record<string, Tensor>): Promise<Tensor> {
  const probe: GraphDoc = {
    ...doc,
    nodes: [...doc.nodes, { id: 'parity_pixels', type: 'output.tensor', typeVersion: 1, params: {} }],
    edges: [...doc.edges, { from: ['preprocess', 'pixel_values'], to: ['parity_pixels', 'value'] }],
  };
  // Lowered as the training step is (no host-computed feeds): the step resizes with ONNX Resize.
  const program = await engine.load(compileGraph(probe, registry, { hostFeeds: false }));
  const { outputs } = await program.run(batch, { cache: false });
  await program.release();
  return outputs['parity_pixels']!;
}

const engine = createEngine(createNodeRuntime({ providers: ['cpu'] }), { registry });
mkdirSync(out, { recursive: true });
for (const [name, file] of Object.entries(PARITY_GRAPHS)) {
  const doc = parseGraph(readFileSync(join(ROOT, file), 'utf8'), { file });
  // The optimiser does not affect the initial weights or the boundary; any will do here.
  const setup = prepareTraining(doc, registry, { file, train: { optimizer: { kind: 'sgd', lr: 0.1 } } });
  const prefix = await engine.load(setup.prefix);
  const tensors = new Map<string, Tensor>();
  const metadata: Record<string, string> = {
    graph: file,
    params: JSON.stringify(setup.params.map((p) => p.name)),
    boundary: JSON.stringify(setup.boundary.map((b) => b.tensor)),
  };
  for (const [w, t] of setup.initial) tensors.set(`init.${w}`, t);
  const batches = name === 'clip' ? clipBatches() : lateFusionBatches();
  for (const [k, batch] of batches.entries()) {
    // Boundary values as TrainProgram computes them: host-step results, else the inputs themselves.
    const values: Record<string, Tensor> = { ...(await prefix.run(batch, { cache: false })).outputs };
    for (const spec of prefix.plan.inputs) values[spec.tensor] = batch[spec.name]!;
    for (const b of setup.boundary) tensors.set(`batch.${k}.${b.tensor}`, values[b.tensor]!);
    if (name === 'clip') tensors.set(`batch.${k}.preprocess.pixel_values`, await pixelValues(doc, batch));
    for (const [input, t] of Object.entries(batch)) {
      if (t.dtype === 'string') metadata[`raw.${k}.${input}`] = JSON.stringify(t.data);
      else tensors.set(`raw.${k}.${input}`, t);
    }
  }
  metadata['batches'] = String(batches.length);
  await prefix.release();
  writeFileSync(join(out, `${name}.inputs.safetensors`), writeSafetensors(tensors, metadata));
  const count = setup.params.reduce((a, p) => a + p.dims.reduce((x, y) => x * y, 1), 0);
  console.log(`${name}: ${setup.params.length} weights (${count} values), boundary ${setup.boundary.map((b) => b.tensor).join(', ')}`);
}
console.log(`wrote ${out}`);
