import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import jpeg from 'jpeg-js';
import { decodeModel, readSafetensors, writeSafetensors } from '@modalflow/onnx';
import type { Tensor } from '@modalflow/core';
import { readNpy } from '@modalflow/core';
import { runCli } from './cli.ts';
import type { Io } from './io.ts';

const CLI_DIR = path.resolve(fileURLToPath(import.meta.url), '../..');
const ROOT = path.resolve(CLI_DIR, '../..');
const BIN = path.join(CLI_DIR, 'bin/modalflow.js');
const EXAMPLE = path.join(ROOT, 'examples/late-fusion');
const GRAPH = path.join(EXAMPLE, 'graph.json');
const TEXT = path.join(EXAMPLE, 'text.json');
const IMAGE = path.join(EXAMPLE, 'image.json');
const CPU_INPUTS = ['--device', 'cpu', '-i', `text=${TEXT}`, '-i', `image=${IMAGE}`];

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real command in a fresh process, the way a user's shell would. */
function modalflow(args: string[], options: { cwd?: string; bin?: string } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const bin = options.bin ?? BIN;
    const child = spawn(bin === BIN ? process.execPath : bin, bin === BIN ? [BIN, ...args] : args, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Caption and photo, tokenized and patch-embedded, fused and labelled: every input kind the CLI decodes. */
function textImageGraph() {
  const node = (id: string, type: string, params: Record<string, unknown> = {}) => ({ id, type, typeVersion: 1, params });
  const edge = (from: string, to: string) => ({ from: from.split('.'), to: to.split('.') });
  return {
    format: 'modalflow.graph',
    version: 1,
    seed: 3,
    nodes: [
      node('caption', 'input.text'),
      node('photo', 'input.image'),
      node('tok', 'text.tokenize_words', { vocabulary: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'a', 'cat', 'dog', 'on', 'mat'], max_length: 8 }),
      node('emb', 'encoder.token_embed', { dim: 16 }),
      node('tpool', 'pool.mean'),
      node('pre', 'preprocess.image', { resize: 32, crop: 32 }),
      node('patch', 'encoder.patch_embed', { patch: 16, dim: 16, image_size: 32 }),
      node('ipool', 'pool.mean'),
      node('fuse', 'fusion.concat'),
      node('head', 'head.classifier', { classes: 3 }),
      node('top', 'output.topk_labels', { k: 2, labels: ['indoor', 'outdoor', 'other'] }),
      node('labels', 'output.tensor'),
    ],
    edges: [
      edge('caption.text', 'tok.text'),
      edge('tok.ids', 'emb.ids'),
      edge('emb.tokens', 'tpool.x'),
      edge('tok.mask', 'tpool.mask'),
      edge('photo.pixels', 'pre.image'),
      edge('pre.pixel_values', 'patch.pixels'),
      edge('patch.tokens', 'ipool.x'),
      edge('tpool.pooled', 'fuse.a'),
      edge('ipool.pooled', 'fuse.b'),
      edge('fuse.h', 'head.x'),
      edge('head.probs', 'top.scores'),
      edge('top.labels', 'labels.value'),
    ],
  };
}

let tmp: string;
const example = () => JSON.parse(readFileSync(GRAPH, 'utf8')) as Record<string, any>;

/** Writes a copy of the example graph, changed by `mutate`, and returns its path. */
function graphCopy(name: string, mutate: (g: Record<string, any>) => void = () => {}): string {
  const g = example();
  mutate(g);
  const file = path.join(tmp, `${name}.json`);
  writeFileSync(file, JSON.stringify(g, null, 2));
  return file;
}

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'modalflow-cli-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.concurrent('usage', () => {
  it('--help lists the commands and exits 0', async () => {
    const r = await modalflow(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['nodes', 'validate', 'inspect', 'compile', 'run', 'weights']) expect(r.stdout).toContain(c);
  });

  it('--version prints the version', async () => {
    const r = await modalflow(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('runs through the workspace bin link and from another directory', async () => {
    const link = path.join(ROOT, 'node_modules/.bin/modalflow');
    expect(existsSync(link)).toBe(true);
    const r = await modalflow(['run', '--help'], { bin: link, cwd: tmp });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--input');
  });

  const usage: [string, string[], RegExp][] = [
    ['no command', [], /Usage: modalflow/],
    ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
    ['an unknown option', ['validate', GRAPH, '--bogus'], /unknown option '--bogus'/],
    ['a missing argument', ['validate'], /missing required argument 'graph'/],
    ['a missing required option', ['compile', GRAPH], /required option '-o, --out <dir>' not specified/],
    ['a bad --device', ['run', GRAPH, '--device', 'tpu'], /Allowed choices are cpu, webgpu, cuda/],
    ['a bad --granularity', ['compile', GRAPH, '-o', 'x', '--granularity', 'huge'], /Allowed choices are segments, whole, per-node/],
    ['a bad --symbol', ['inspect', GRAPH, '--symbol', 'B'], /expected NAME=SIZE/],
    ['--input without =', ['run', GRAPH, '--input', 'text'], /--input "text" must look like name=value/],
    ['--device with --providers', ['run', GRAPH, '--device', 'cpu', '--providers', 'cpu'], /either --device .* or --providers/],
    ['an unknown provider', ['run', GRAPH, '--providers', 'tpu'], /unknown provider "tpu"/],
    ['the same input twice', ['run', GRAPH, '-i', 'text=[1]', '-i', 'text=[2]'], /--input "text" is given more than once/],
  ];
  for (const [what, args, message] of usage) {
    it(`exits 2 for ${what}`, async () => {
      const r = await modalflow(args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr + r.stdout).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }
});

describe.concurrent('nodes', () => {
  it('lists node types by category', async () => {
    const r = await modalflow(['nodes']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^INPUTS/);
    expect(r.stdout).toContain('layer.linear  v1  Linear');
    expect(r.stdout).toContain('formula:');
  });

  it('--json describes ports and params', async () => {
    const r = await modalflow(['nodes', '--json']);
    expect(r.code).toBe(0);
    const docs = JSON.parse(r.stdout) as { type: string; params: Record<string, unknown> }[];
    const linear = docs.find((d) => d.type === 'layer.linear');
    expect(linear?.params['out']).toMatchObject({ kind: 'int', default: 64, min: 1 });
  });
});

describe.concurrent('validate', () => {
  it('accepts the example', async () => {
    const r = await modalflow(['validate', 'examples/late-fusion/graph.json']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok\s+examples\/late-fusion\/graph\.json: 11 nodes, 10 edges/);
  });

  it('reports a missing file', async () => {
    const r = await modalflow(['validate', 'nope/graph.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('MF_FILE_NOT_FOUND: graph file');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports broken JSON with its line', async () => {
    const file = path.join(tmp, 'broken.json');
    writeFileSync(file, '{\n  "format": "modalflow.graph",\n  "nodes": [,]\n}');
    const r = await modalflow(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/MF_INVALID_JSON: not valid JSON.*broken\.json/s);
  });

  it('lists every problem with code and location', async () => {
    const file = graphCopy('many-problems', (g) => {
      g.nodes[2].type = 'layer.linearr';
      g.nodes[4].params.out = 0;
      g.edges.push({ from: ['ghost', 'y'], to: ['fuse', 'c'] });
    });
    const r = await modalflow(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`MF_UNKNOWN_NODE_TYPE: unknown node type "layer.linearr" (${file}, node "text_proj", at /nodes/2/type)`);
    expect(r.stdout).toMatch(/MF_PARAM_RANGE: param "out" is 0, outside the range \[1, ∞\] \(.*node "image_proj", param "out", at \/nodes\/4\/params\/out\)/);
    expect(r.stdout).toMatch(/MF_DANGLING_EDGE: edge starts at node "ghost".*edge #10, at \/edges\/10\/from/);
    expect(r.stdout).toMatch(/3 problems/);
  });

  it('reports schema errors with their JSON path', async () => {
    const file = graphCopy('schema', (g) => {
      g.nodes[0].id = 'has.dot';
      g.seed = -1;
    });
    const r = await modalflow(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/MF_SCHEMA: "id" .*at \/nodes\/0\/id/);
    expect(r.stdout).toMatch(/MF_SCHEMA: "seed" .*at \/seed/);
  });

  it('refuses a weights file outside the graph folder', async () => {
    const file = graphCopy('escape', (g) => {
      g.weights = { uri: '../../etc/passwd' };
    });
    const r = await modalflow(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/MF_ASSET_ESCAPES: .*escapes the graph's folder.*at \/weights\/uri/);
  });

  it('reports a named weights file that does not exist', async () => {
    const file = graphCopy('no-weights', (g) => {
      g.weights = { uri: 'missing.safetensors' };
    });
    const r = await modalflow(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/MF_FILE_NOT_FOUND: the graph names weights "missing.safetensors"/);
  });

  it('passes with warnings', async () => {
    const file = graphCopy('no-outputs', (g) => {
      g.nodes = g.nodes.filter((n: { type: string }) => n.type !== 'output.tensor');
      g.edges = g.edges.filter((e: { to: string[] }) => e.to[0] !== 'probs' && e.to[0] !== 'logits');
    });
    const r = await modalflow(['validate', file, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.ok).toBe(true);
    expect(out.problems[0]).toMatchObject({ code: 'MF_NO_OUTPUTS', severity: 'warning' });
  });
});

describe.concurrent('inspect', () => {
  it('prints a table with parameter and FLOP counts', async () => {
    const r = await modalflow(['inspect', GRAPH]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/text_proj\s+layer\.linear\s+y\s+float32 B×24\s+408\s+792 FLOPs/);
    expect(r.stdout).toMatch(/head\s+head\.classifier\s+logits\s+float32 B×4\s+1,764/);
    expect(r.stdout).toContain('3,060 parameters (3.1K)');
  });

  it('--json with --symbol scales FLOPs by the batch size', async () => {
    const [one, eight] = await Promise.all([
      modalflow(['inspect', GRAPH, '--json']),
      modalflow(['inspect', GRAPH, '--json', '--symbol', 'B=8']),
    ]);
    const a = JSON.parse(one.stdout);
    const b = JSON.parse(eight.stdout);
    expect(a.totals.params).toBe(3060);
    expect(b.totals.flops).toBe(8 * a.totals.flops);
    expect(a.nodes.map((n: { id: string }) => n.id)[0]).toBe('text');
  });

  it('fails with the problems of a bad graph', async () => {
    const file = graphCopy('bad-shape', (g) => {
      g.nodes[0].params.shape = 'B, 16, x!';
    });
    const r = await modalflow(['inspect', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/MF_SHAPE_INFER: .*node "text", param "shape"/);
  });
});

describe.concurrent('compile', () => {
  it('writes plan.json and one valid ONNX model per stage', async () => {
    const out = path.join(tmp, 'compiled');
    const r = await modalflow(['compile', GRAPH, '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(readFileSync(path.join(out, 'plan.json'), 'utf8'));
    expect(plan.format).toBe('modalflow.plan');
    const models = readdirSync(out).filter((f) => f.endsWith('.onnx'));
    expect(models.length).toBe(plan.stages.length);
    for (const m of models) expect(decodeModel(new Uint8Array(readFileSync(path.join(out, m)))).metadata['modalflow.stage']).toBe(m.replace(/\.onnx$/, ''));
    for (const s of plan.stages) expect(r.stdout).toContain(s.id);
  });

  it('--granularity whole makes a single stage', async () => {
    const out = path.join(tmp, 'whole');
    const r = await modalflow(['compile', GRAPH, '-o', out, '--granularity', 'whole']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(path.join(out, 'plan.json'), 'utf8')).stages).toHaveLength(1);
  });

  it('refuses a tap that names no port', async () => {
    const r = await modalflow(['compile', GRAPH, '-o', path.join(tmp, 'badtap'), '--tap', 'text_proj.z']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/MF_BAD_TAP: tap "text_proj\.z"/);
  });
});

function runJson(r: Result): { outputs: Record<string, { dtype: string; shape: number[]; data: number[] }>; [k: string]: any } {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe.concurrent('run', () => {
  it('prints outputs readably and says where each stage ran', async () => {
    const r = await modalflow(['run', 'examples/late-fusion/graph.json', ...CPU_INPUTS]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^probs: float32 2×4\n  \[\[\d\.\d{4}, /);
    expect(r.stdout).toContain('logits: float32 2×4');
    expect(r.stderr).toContain('running on cpu');
    expect(r.stderr).not.toContain('· compiling');
  });

  it('--json keeps stdout to one JSON document', async () => {
    const out = runJson(await modalflow(['run', GRAPH, ...CPU_INPUTS, '--json', '--verbose']));
    expect(out.outputs['probs']).toMatchObject({ dtype: 'float32', shape: [2, 4] });
    const p = out.outputs['probs']!.data;
    expect(p[0]! + p[1]! + p[2]! + p[3]!).toBeCloseTo(1, 5);
    expect(Object.values(out['providers']).every((s: any) => s.provider === 'cpu')).toBe(true);
    expect(out['stages'].length).toBeGreaterThan(0);
    expect(typeof out['ms']).toBe('number');
  });

  it('--verbose reports progress on stderr', async () => {
    const r = await modalflow(['run', GRAPH, ...CPU_INPUTS, '--verbose']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/· compiling: done in/);
    expect(r.stderr).toMatch(/· session s0-\S+ on cpu/);
    expect(r.stderr).toMatch(/· stage 1\/\d+ /);
  });

  it('--out writes outputs and taps as .npy', async () => {
    const dir = path.join(tmp, 'run-out');
    const out = runJson(await modalflow(['run', GRAPH, ...CPU_INPUTS, '--json', '--out', dir, '--tap', 'text_proj.y']));
    const probs = readNpy(new Uint8Array(readFileSync(path.join(dir, 'probs.npy'))));
    expect(probs.dims).toEqual([2, 4]);
    expect(Array.from(probs.data as Float32Array)).toEqual(out.outputs['probs']!.data.map(Math.fround));
    const tap = readNpy(new Uint8Array(readFileSync(path.join(dir, 'text_proj.y.npy'))));
    expect(tap.dims).toEqual([2, 24]);
    expect(out['taps']['text_proj.y'].shape).toEqual([2, 24]);
  });

  it('takes .npy and inline JSON inputs, from any working directory', async () => {
    const { writeNpy } = await import('@modalflow/core');
    const text = JSON.parse(readFileSync(TEXT, 'utf8')) as number[][];
    writeFileSync(path.join(tmp, 'text.npy'), writeNpy({ dtype: 'float32', dims: [2, 16], data: Float32Array.from(text.flat()) }));
    const graph = graphCopy('graph-here');
    const [viaFiles, viaNpy] = await Promise.all([
      modalflow(['run', GRAPH, ...CPU_INPUTS, '--json']),
      modalflow(['run', path.basename(graph), '--device', 'cpu', '-i', 'text=text.npy', '-i', `image=${readFileSync(IMAGE, 'utf8')}`, '--json'], { cwd: tmp }),
    ]);
    expect(runJson(viaNpy).outputs).toEqual(runJson(viaFiles).outputs);
  });

  it('runs a text + image graph: text stays whole, JPEG decodes, strings come back', async () => {
    const dir = mkdtempSync(path.join(tmp, 'mm-'));
    writeFileSync(path.join(dir, 'graph.json'), JSON.stringify(textImageGraph()));
    const w = 40;
    const h = 30;
    const rgba = Buffer.alloc(w * h * 4);
    for (let i = 0; i < w * h; i++) rgba.set([i % 255, 100, 50, 255], i * 4);
    writeFileSync(path.join(dir, 'photo.jpg'), jpeg.encode({ data: rgba, width: w, height: h }, 90).data);
    const args = ['run', 'graph.json', '--device', 'cpu', '-i', 'photo=photo.jpg', '--out', 'res'];
    const r = await modalflow([...args, '-i', 'caption=a cat, on a mat'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/labels: string 1×2\n {2}\[\["(indoor|outdoor|other)", "(indoor|outdoor|other)"\]\]/);
    expect(readNpy(new Uint8Array(readFileSync(path.join(dir, 'res/labels.npy')))).dims).toEqual([1, 2]);
    // A JSON list of texts is a batch, which must then match the one image.
    const batch = await modalflow([...args, '-i', 'caption=["a cat", "a dog"]'], { cwd: dir });
    expect(batch.code).toBe(1);
    expect(batch.stderr).toMatch(/MF_INPUT_SHAPE: dimension "B" is 2 in input "caption" but 1 in input "photo"/);
  });

  it('refuses a picture declaring more pixels than the limit before decoding it', async () => {
    const dir = mkdtempSync(path.join(tmp, 'bomb-'));
    writeFileSync(path.join(dir, 'graph.json'), JSON.stringify(textImageGraph()));
    const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
    const chunk = (type: string, body: number[]) => [...u32(body.length), ...Buffer.from(type), ...body, 0, 0, 0, 0];
    const ihdr = [...u32(20_000), ...u32(20_000), 8, 2, 0, 0, 0];
    const bomb = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...chunk('IHDR', ihdr), ...chunk('IDAT', [...deflateSync(Buffer.alloc(4096))]), ...chunk('IEND', [])];
    writeFileSync(path.join(dir, 'bomb.png'), Buffer.from(bomb));
    const r = await modalflow(['run', 'graph.json', '--device', 'cpu', '-i', 'photo=bomb.png', '-i', 'caption=a cat'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/MF_IMAGE_TOO_LARGE: the PNG declares 20000 x 20000 = 400,000,000 pixels, more than the limit of 89,478,485.*bomb\.png/);
    const rgba = Buffer.alloc(40 * 30 * 4, 200);
    writeFileSync(path.join(dir, 'photo.jpg'), jpeg.encode({ data: rgba, width: 40, height: 30 }, 90).data);
    const small = await modalflow(['run', 'graph.json', '--device', 'cpu', '-i', 'photo=photo.jpg', '-i', 'caption=a cat', '--max-image-pixels', '1000'], { cwd: dir });
    expect(small.code, small.stderr).toBe(1);
    expect(small.stderr).toMatch(/MF_IMAGE_TOO_LARGE: the JPEG declares 40 x 30 = 1,200 pixels, more than the limit of 1,000/);
    const usage = await modalflow(['run', 'graph.json', '-i', 'photo=photo.jpg', '--max-image-pixels', '-3'], { cwd: dir });
    expect(usage.code).toBe(2);
  });

  const bad: [string, string[], RegExp][] = [
    ['a missing input', ['-i', `text=${TEXT}`], /MF_INPUT_MISSING: no value given for input "image" \(float32 B×32\)/],
    ['a ragged array', ['-i', `text=${TEXT}`, '-i', 'image=[[1, 2], [3]]'], /input "image": ragged array: \[1\] has 1 items, but \[0\] has 2/],
    ['a wrong shape', ['-i', `text=${TEXT}`, '-i', 'image=[[1, 2]]'], /MF_INPUT_SHAPE: input "image" dimension 1 must be 32, got 2/],
    ['an unknown input', ['-i', `text=${TEXT}`, '-i', `image=${IMAGE}`, '-i', 'audio=[1]'], /MF_INPUT_UNKNOWN: the graph has no input "audio" \(inputs: text, image\)/],
    ['text for a number input', ['-i', 'text=hello, world', '-i', `image=${IMAGE}`], /input "text" is float32, but "hello, world" is text/],
    ['a missing file', ['-i', 'text=nope.npy', '-i', `image=${IMAGE}`], /MF_FILE_NOT_FOUND: input "text": file "nope.npy" does not exist/],
    ['a wrong dtype', ['-i', 'text=[[true]]', '-i', `image=${IMAGE}`], /input "text": the value at \[0\]\[0\] is true, but the input is float32/],
  ];
  for (const [what, inputs, message] of bad) {
    it(`exits 1 for ${what}`, async () => {
      const r = await modalflow(['run', GRAPH, '--device', 'cpu', ...inputs]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    });
  }

  it('explains why faster providers were skipped', async () => {
    const r = await modalflow(['run', GRAPH, '--device', 'cuda', '-i', `text=${TEXT}`, '-i', `image=${IMAGE}`]);
    expect(r.code, r.stderr).toBe(0);
    const on = /running on (\w+)/.exec(r.stderr)?.[1];
    expect(['cuda', 'webgpu', 'cpu']).toContain(on);
    if (on !== 'cuda') expect(r.stderr).toMatch(/ {2}cuda skipped: \S/);
    if (on === 'cpu') expect(r.stderr).toMatch(/ {2}webgpu skipped: \S/);
  });
});

describe('weights', () => {
  it('exports seeded weights that reproduce the run when loaded back', async () => {
    const weights = path.join(tmp, 'late-fusion.safetensors');
    const r = await modalflow(['weights', 'export', GRAPH, '-o', weights]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/wrote 12 tensors, 3,060 parameters/);
    const file = readSafetensors(new Uint8Array(readFileSync(weights)));
    expect(file.tensors.get('text_proj.weight')?.dims).toEqual([24, 16]);

    const named = graphCopy('with-weights', (g) => {
      g.weights = { uri: 'late-fusion.safetensors' };
    });
    const [seeded, loaded] = await Promise.all([
      modalflow(['run', GRAPH, ...CPU_INPUTS, '--json']),
      modalflow(['run', named, ...CPU_INPUTS, '--json']),
    ]);
    expect(runJson(loaded).outputs).toEqual(runJson(seeded).outputs);
  });

  it('checks the sha256 the graph records for its weights', async () => {
    const file = graphCopy('bad-hash', (g) => {
      g.weights = { uri: 'late-fusion.safetensors', sha256: '0'.repeat(64) };
    });
    const r = await modalflow(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/MF_WEIGHTS_HASH: .*late-fusion\.safetensors does not match the sha256/);
  });

  it('--weights overrides the weights and reports mismatches by name', async () => {
    const source = readSafetensors(new Uint8Array(readFileSync(path.join(tmp, 'late-fusion.safetensors'))));
    const zeroed = new Map<string, Tensor>(source.tensors);
    zeroed.set('head.3.weight', { ...zeroed.get('head.3.weight')!, data: new Float32Array(4 * 32) });
    zeroed.set('head.3.bias', { ...zeroed.get('head.3.bias')!, data: new Float32Array(4) });
    writeFileSync(path.join(tmp, 'zero-head.safetensors'), writeSafetensors(zeroed));
    const out = runJson(await modalflow(['run', GRAPH, ...CPU_INPUTS, '--json', '--weights', path.join(tmp, 'zero-head.safetensors')]));
    for (const p of out.outputs['probs']!.data) expect(p).toBeCloseTo(0.25, 6);

    const missing = new Map(source.tensors);
    missing.delete('norm.bias');
    writeFileSync(path.join(tmp, 'missing.safetensors'), writeSafetensors(missing));
    const r = await modalflow(['run', GRAPH, ...CPU_INPUTS, '--weights', path.join(tmp, 'missing.safetensors')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/MF_WEIGHT_MISSING: weight "norm\.bias" \[48\] is not in the weights file/);
  });
});

describe('exit codes in process', () => {
  const io = (overrides: Partial<Io> = {}): Io & { text: () => string } => {
    let text = '';
    return { out: (s) => (text += s), err: (s) => (text += s), errIsTTY: false, cwd: ROOT, text: () => text, ...overrides };
  };

  it('prints the stack and exits 3 for an unexpected error', async () => {
    const failing = io({
      out: () => {
        throw new TypeError('disk on fire');
      },
    });
    let err = '';
    failing.err = (s) => (err += s);
    expect(await runCli(['nodes'], failing)).toBe(3);
    expect(err).toMatch(/internal error.*TypeError: disk on fire\n\s+at /s);
  });

  it('returns 0 for a valid graph', async () => {
    const ok = io();
    expect(await runCli(['validate', GRAPH], ok)).toBe(0);
    expect(ok.text()).toMatch(/^ok /);
  });
});
