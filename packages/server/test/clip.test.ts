import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGraph, type GraphRunner } from '@modalflow/node-io';
import type { ModalflowServer } from '../src/index.ts';
import { buildClipFolder, encodePng, testImage, type ClipFolder } from '../../../test/src/fixtures-clip-folder.ts';
import { ROOT, listen, post } from './helpers.ts';

let folder: ClipFolder;
let runner: GraphRunner;
let server: ModalflowServer;
let base: string;
const png = (seed: number) => {
  const t = testImage(40, 48, seed);
  return Buffer.from(encodePng(t.data as Uint8Array, 40, 48)).toString('base64');
};
const labels = { name: 'labels', shape: [1], datatype: 'BYTES', data: ['a cat, a dog, a car'] };

beforeAll(async () => {
  folder = buildClipFolder();
  runner = await openGraph({ cwd: ROOT }, 'examples/clip-zero-shot/graph.json', { modelDir: folder.dir, providers: 'cpu' });
  ({ server, base } = await listen([{ name: 'clip', runner }], { batching: { maxBatchSize: 4, maxDelayMs: 20 } }));
});
afterAll(async () => {
  await server?.close();
  folder?.remove();
});

describe('zero-shot CLIP over v2', () => {
  it('describes text as BYTES and pictures as UINT8 that also take encoded files', async () => {
    const meta = await (await fetch(`${base}/v2/models/clip`)).json();
    const image = meta.inputs.find((i: { name: string }) => i.name === 'image');
    expect(image.datatype).toBe('UINT8');
    expect(image.parameters.also_accepts).toMatch(/BYTES/);
    expect(meta.inputs.find((i: { name: string }) => i.name === 'labels').datatype).toBe('BYTES');
  });

  it('classifies encoded PNGs and the same pixels given as UINT8 alike, batched or not', async () => {
    const pixels = testImage(40, 48, 1);
    const fromBytes = post(base, '/v2/models/clip/infer', { inputs: [{ name: 'image', shape: [1], datatype: 'BYTES', data: [png(1)] }, labels] });
    const fromUint8 = post(base, '/v2/models/clip/infer', {
      inputs: [{ name: 'image', shape: [1, 40, 48, 3], datatype: 'UINT8', data: Array.from(pixels.data as Uint8Array) }, labels],
    });
    const other = post(base, '/v2/models/clip/infer', { inputs: [{ name: 'image', shape: [1], datatype: 'BYTES', data: [png(2)] }, labels] });
    const [a, b, c] = await Promise.all([fromBytes, fromUint8, other]);
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
    const probs = (r: typeof a) => (r.json.outputs as { name: string; data: number[] }[]).find((o) => o.name === 'probs')!.data;
    expect(probs(a).length).toBe(3);
    probs(a).forEach((v, i) => expect(v).toBeCloseTo(probs(b)[i]!, 5));
    const alone = await runner.run({ image: testImage(40, 48, 2), labels: { dtype: 'string', dims: [1], data: ['a cat, a dog, a car'] } });
    probs(c).forEach((v, i) => expect(v).toBeCloseTo((alone.probs!.data as Float32Array)[i]!, 5));
  });

  it('takes encoded pictures and text in the binary tensor extension', async () => {
    const picture = encodePng(testImage(40, 48, 1).data as Uint8Array, 40, 48);
    const element = (bytes: Uint8Array) => Buffer.concat([Buffer.from(new Uint32Array([bytes.length]).buffer), Buffer.from(bytes)]);
    const image = element(picture);
    const text = element(new TextEncoder().encode('a cat, a dog, a car'));
    const head = Buffer.from(
      JSON.stringify({
        inputs: [
          { name: 'image', shape: [1], datatype: 'BYTES', parameters: { binary_data_size: image.length } },
          { name: 'labels', shape: [1], datatype: 'BYTES', parameters: { binary_data_size: text.length } },
        ],
      }),
    );
    const r = await fetch(`${base}/v2/models/clip/infer`, {
      method: 'POST',
      headers: { 'inference-header-content-length': String(head.length), 'content-type': 'application/octet-stream' },
      body: Buffer.concat([head, image, text]),
    });
    expect(r.status).toBe(200);
    const probs = (await r.json()).outputs.find((o: { name: string }) => o.name === 'probs').data as number[];
    const alone = await runner.run({ image: testImage(40, 48, 1), labels: { dtype: 'string', dims: [1], data: ['a cat, a dog, a car'] } });
    probs.forEach((v, i) => expect(v).toBeCloseTo((alone.probs!.data as Float32Array)[i]!, 5));
  });

  it('never reads a path given as a picture or as text, and refuses bad pictures with a code', async () => {
    const path = Buffer.from('/etc/passwd').toString('base64');
    const r = await post(base, '/v2/models/clip/infer', { inputs: [{ name: 'image', shape: [1], datatype: 'BYTES', data: [path] }, labels] });
    expect(r.status).toBe(400);
    expect(r.json.code).toBe('MF_BAD_IMAGE');
    expect(r.json.location).toEqual({ node: 'image' });
    const notBase64 = await post(base, '/v2/models/clip/infer', { inputs: [{ name: 'image', shape: [1], datatype: 'BYTES', data: ['not base64!'] }, labels] });
    expect([notBase64.status, notBase64.json.code]).toEqual([400, 'MF_BAD_INPUT']);
    const text = await post(base, '/v2/models/clip/infer', { inputs: [{ name: 'image', shape: [1], datatype: 'BYTES', data: [png(3)] }, { ...labels, data: ['/etc/passwd'] }] });
    expect(text.status).toBe(200);
  });
});
