import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pngjs from 'pngjs';
import { readNpy } from '@modalflow/core';
import { retrievalRecall, type EvalReport } from '@modalflow/eval';
import { runCli } from '../cli.ts';
import type { Io } from '../io.ts';

const SAMPLES = fileURLToPath(new URL('../../../../packages/eval/fixtures/samples/', import.meta.url));

let dir: string;

function io(): Io & { stdout: string; stderr: string } {
  const o = { stdout: '', stderr: '', errIsTTY: false, cwd: '' } as Io & { stdout: string; stderr: string };
  o.out = (t) => void (o.stdout += t);
  o.err = (t) => void (o.stderr += t);
  o.cwd = dir;
  return o;
}

async function modalflow(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const x = io();
  const code = await runCli(args, x);
  return { code, stdout: x.stdout, stderr: x.stderr };
}

function report(out: string): EvalReport {
  return JSON.parse(readFileSync(path.join(dir, out, 'report.json'), 'utf8'));
}

/** A flat-coloured 32x32 PNG with a diagonal stripe, so images differ in more than colour. */
function png(file: string, rgb: [number, number, number]) {
  const img = new pngjs.PNG({ width: 32, height: 32 });
  for (let y = 0; y < 32; y++)
    for (let x = 0; x < 32; x++) {
      const i = (y * 32 + x) * 4;
      const stripe = Math.abs(x - y) < 3 ? 255 : 0;
      img.data.set([rgb[0] ^ stripe, rgb[1], rgb[2], 255], i);
    }
  writeFileSync(file, pngjs.PNG.sync.write(img));
}

const node = (id: string, type: string, params: Record<string, unknown> = {}) => ({ id, type, typeVersion: 1, params });
const edge = (from: string, to: string) => ({ from: from.split('.'), to: to.split('.') });
const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'a', 'red', 'green', 'blue', 'square', 'is', 'what', 'color', 'the', 'left', 'right', 'same'];
const textTower = (prefix: string, input: string) => ({
  nodes: [node(input, 'input.text', { batch: prefix === 't' ? 'Bt' : 'B' }), node(`${prefix}tok`, 'text.tokenize_words', { vocabulary: VOCAB, max_length: 8 }), node(`${prefix}emb`, 'encoder.token_embed', { dim: 16 }), node(`${prefix}pool`, 'pool.mean')],
  edges: [edge(`${input}.text`, `${prefix}tok.text`), edge(`${prefix}tok.ids`, `${prefix}emb.ids`), edge(`${prefix}emb.tokens`, `${prefix}pool.x`), edge(`${prefix}tok.mask`, `${prefix}pool.mask`)],
});
const imageTower = (prefix: string, input: string, batch = 'B') => ({
  nodes: [node(input, 'input.image', { batch }), node(`${prefix}pre`, 'preprocess.image', { resize: 32, crop: 32 }), node(`${prefix}patch`, 'encoder.patch_embed', { patch: 16, dim: 16, image_size: 32 }), node(`${prefix}pool`, 'pool.mean')],
  edges: [edge(`${input}.pixels`, `${prefix}pre.image`), edge(`${prefix}pre.pixel_values`, `${prefix}patch.pixels`), edge(`${prefix}patch.tokens`, `${prefix}pool.x`)],
});
function graph(seed: number, parts: { nodes: unknown[]; edges: unknown[] }[]) {
  return { format: 'modalflow.graph', version: 1, seed, nodes: parts.flatMap((p) => p.nodes), edges: parts.flatMap((p) => p.edges) };
}

const IMAGES: [string, [number, number, number]][] = [
  ['red.png', [220, 20, 20]],
  ['green.png', [20, 200, 40]],
  ['blue.png', [30, 40, 210]],
];
const CAPTIONS = [
  ['a red square', 'the red square'],
  ['a green square', 'green'],
  ['a blue square', 'blue is the color'],
];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'modalflow-eval-'));
  mkdirSync(path.join(dir, 'img'));
  for (const [name, rgb] of IMAGES) png(path.join(dir, 'img', name), rgb);

  // The same three images and six captions in each caption format.
  writeFileSync(
    path.join(dir, 'captions.json'),
    JSON.stringify({
      images: IMAGES.map(([f], i) => ({ id: i + 1, file_name: f })),
      annotations: CAPTIONS.flatMap((cs, i) => cs.map((caption, j) => ({ id: i * 10 + j, image_id: i + 1, caption }))),
    }),
  );
  writeFileSync(
    path.join(dir, 'dataset_coco.json'),
    JSON.stringify({ images: IMAGES.map(([f], i) => ({ filename: f, imgid: i, cocoid: i + 1, split: 'test', sentences: CAPTIONS[i]!.map((raw) => ({ raw })) })) }),
  );
  writeFileSync(path.join(dir, 'results.token'), IMAGES.flatMap(([f], i) => CAPTIONS[i]!.map((c, j) => `${f}#${j}\t${c}\n`)).join(''));
  writeFileSync(
    path.join(dir, 'region_descriptions.json'),
    JSON.stringify(IMAGES.map((_, i) => ({ id: i + 1, regions: CAPTIONS[i]!.map((phrase, j) => ({ region_id: i * 10 + j, image_id: i + 1, phrase, x: 0, y: 0, width: 8, height: 8 })) }))),
  );
  // Visual Genome names images <id>.jpg: give it copies under those names (PNG bytes decode by content).
  mkdirSync(path.join(dir, 'vg'));
  IMAGES.forEach(([f], i) => copyFileSync(path.join(dir, 'img', f), path.join(dir, 'vg', `${i + 1}.jpg`)));

  const retrieval = graph(11, [
    imageTower('i', 'image', 'Bi'),
    textTower('t', 'caption'),
    { nodes: [node('sim', 'head.similarity', { embed: 8 }), node('logits_per_image', 'output.tensor')], edges: [edge('ipool.pooled', 'sim.image'), edge('tpool.pooled', 'sim.text'), edge('sim.logits_per_image', 'logits_per_image.value')] },
  ]);
  writeFileSync(path.join(dir, 'dual.json'), JSON.stringify(retrieval));

  // VQA: questions about the images, a four-answer classifier over image + question.
  const questions = [0, 1, 2, 0].map((img, q) => ({ image_id: img + 1, question: 'what color is the square', question_id: 100 + q }));
  const truth = ['red', 'green', 'blue', 'red'];
  writeFileSync(path.join(dir, 'questions.json'), JSON.stringify({ data_subtype: 'val2014', questions }));
  writeFileSync(
    path.join(dir, 'annotations.json'),
    JSON.stringify({
      annotations: questions.map((q, i) => ({
        question_id: q.question_id,
        image_id: q.image_id,
        question_type: 'what color is the',
        answer_type: 'other',
        multiple_choice_answer: truth[i],
        answers: Array.from({ length: 10 }, (_, j) => ({ answer: j < 7 ? truth[i] : 'square', answer_id: j + 1, answer_confidence: 'yes' })),
      })),
    }),
  );
  writeFileSync(path.join(dir, 'answers.txt'), 'red\ngreen\nblue\nsquare\n');
  mkdirSync(path.join(dir, 'val2014'));
  IMAGES.forEach(([f], i) => copyFileSync(path.join(dir, 'img', f), path.join(dir, 'val2014', `COCO_val2014_${String(i + 1).padStart(12, '0')}.jpg`)));
  const vqa = graph(5, [
    imageTower('i', 'image'),
    textTower('q', 'question'),
    { nodes: [node('fuse', 'fusion.concat'), node('head', 'head.classifier', { classes: 4 }), node('logits', 'output.tensor')], edges: [edge('ipool.pooled', 'fuse.a'), edge('qpool.pooled', 'fuse.b'), edge('fuse.h', 'head.x'), edge('head.logits', 'logits.value')] },
  ]);
  writeFileSync(path.join(dir, 'vqa.json'), JSON.stringify(vqa));
  // The same classifier over bottom-up region features instead of pixels.
  const vqaRegions = graph(5, [
    { nodes: [node('regions', 'input.regions', { num_regions: 0, feature_dim: 8 }), node('rpool', 'pool.mean')], edges: [edge('regions.features', 'rpool.x')] },
    textTower('q', 'question'),
    { nodes: [node('fuse', 'fusion.concat'), node('head', 'head.classifier', { classes: 4 }), node('logits', 'output.tensor')], edges: [edge('rpool.pooled', 'fuse.a'), edge('qpool.pooled', 'fuse.b'), edge('fuse.h', 'head.x'), edge('head.logits', 'logits.value')] },
  ]);
  writeFileSync(path.join(dir, 'vqa-regions.json'), JSON.stringify(vqaRegions));

  // NLVR2: a statement about two images, true or false.
  const nlvr = [
    ['dev-1-0-0', 'the left is red', 'red.png', 'green.png', 'True'],
    ['dev-1-1-0', 'the left is red', 'blue.png', 'red.png', 'False'],
    ['dev-2-0-1', 'the same color', 'green.png', 'green.png', 'True'],
  ];
  mkdirSync(path.join(dir, 'dev'));
  for (const [id, , l, r] of nlvr) {
    const pair = id!.replace(/-\d+$/, '');
    copyFileSync(path.join(dir, 'img', l!), path.join(dir, 'dev', `${pair}-img0.png`));
    copyFileSync(path.join(dir, 'img', r!), path.join(dir, 'dev', `${pair}-img1.png`));
  }
  writeFileSync(path.join(dir, 'nlvr2.jsonl'), nlvr.map(([identifier, sentence, , , label]) => JSON.stringify({ identifier, sentence, label }) + '\n').join(''));
  const pairGraph = graph(9, [
    imageTower('l', 'left'),
    imageTower('r', 'right'),
    textTower('s', 'sentence'),
    {
      nodes: [node('f1', 'fusion.concat'), node('f2', 'fusion.concat'), node('head', 'head.classifier', { classes: 2 }), node('logits', 'output.tensor')],
      edges: [edge('lpool.pooled', 'f1.a'), edge('rpool.pooled', 'f1.b'), edge('f1.h', 'f2.a'), edge('spool.pooled', 'f2.b'), edge('f2.h', 'head.x'), edge('head.logits', 'logits.value')],
    },
  ]);
  writeFileSync(path.join(dir, 'nlvr2-graph.json'), JSON.stringify(pairGraph));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('modalflow eval, end to end', () => {
  it('runs a dual encoder over COCO captions and reports the recalls of its own scores', async () => {
    const r = await modalflow(['eval', 'dual.json', '--data', 'captions.json', '--media', 'img', '--metric', 'recall', '--device', 'cpu', '--batch', '2', '--out', 'coco']);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/text→image R@1/);
    const rep = report('coco');
    const scores = readNpy(new Uint8Array(readFileSync(path.join(dir, 'coco', 'retrieval_scores.npy'))));
    expect(scores.dims).toEqual([3, 6]);
    const m = retrievalRecall(scores.data as Float32Array, 3, [0, 0, 1, 1, 2, 2]);
    expect(rep.sections[0]!.metrics['text→image R@1']).toBe(m.textToImage['R@1']);
    expect(rep.sections[0]!.metrics['image→text R@1']).toBe(m.imageToText['R@1']);
    // With three images every caption's image is in the top 5.
    expect(rep.sections[0]!.metrics['text→image R@5']).toBe(100);
    const html = readFileSync(path.join(dir, 'coco', 'report.html'), 'utf8');
    expect(html).toContain('<img src="../img/');

    // Each score is what `modalflow run` gives for that image and caption alone.
    const one = await modalflow(['run', 'dual.json', '-i', 'image=img/green.png', '-i', 'caption=blue is the color', '--device', 'cpu', '--json', '-q']);
    expect(one.code).toBe(0);
    const value = JSON.parse(one.stdout).outputs.logits_per_image.data[0];
    expect((scores.data as Float32Array)[1 * 6 + 5]).toBeCloseTo(value, 4);
  });

  it('gives the same scores from the Karpathy split, the Flickr30k token file and Visual Genome regions', async () => {
    const coco = readFileSync(path.join(dir, 'coco', 'retrieval_scores.npy'));
    for (const [data, media, out] of [
      ['dataset_coco.json', 'img', 'karpathy'],
      ['results.token', 'img', 'flickr'],
      ['region_descriptions.json', 'vg', 'vg'],
    ] as const) {
      const r = await modalflow(['eval', 'dual.json', '--data', data, '--media', media, '--metric', 'recall', '--device', 'cpu', '--out', out, '-q']);
      expect(r.code, r.stderr).toBe(0);
      const s = readNpy(new Uint8Array(readFileSync(path.join(dir, out, 'retrieval_scores.npy'))));
      const c = readNpy(new Uint8Array(coco));
      (s.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo((c.data as Float32Array)[i]!, 5));
    }
  });

  it('pads the blocks of a graph that feeds images and texts under one batch axis (the CLIP example)', async () => {
    const clip = fileURLToPath(new URL('../../../../examples/clip/tiny.json', import.meta.url));
    const r = await modalflow(['eval', clip, '--data', 'captions.json', '--media', 'img', '--metric', 'recall', '--device', 'cpu', '--batch', '4', '--out', 'clip', '-q']);
    expect(r.code, r.stderr).toBe(0);
    const scores = readNpy(new Uint8Array(readFileSync(path.join(dir, 'clip', 'retrieval_scores.npy')))).data as Float32Array;
    for (const [i, t, image, caption] of [
      [2, 1, 'img/blue.png', 'the red square'],
      [0, 5, 'img/red.png', 'blue is the color'],
    ] as const) {
      const one = await modalflow(['run', clip, '-i', `image=${image}`, '-i', `text=${caption}`, '--device', 'cpu', '--json', '-q']);
      expect(one.code, one.stderr).toBe(0);
      expect(scores[i * 6 + t]).toBeCloseTo(JSON.parse(one.stdout).outputs.logits_per_image.data[0], 4);
    }
  });

  it('answers VQA questions with a classifier over images, and over region features, and scores them', async () => {
    const r = await modalflow(['eval', 'vqa.json', '--data', 'questions.json', '--annotations', 'annotations.json', '--media', 'val2014', '--answers', 'answers.txt', '--metric', 'vqa,accuracy', '--device', 'cpu', '--out', 'vqa']);
    expect(r.code, r.stderr).toBe(0);
    const rep = report('vqa');
    const predicted: { question_id: number; answer: string }[] = JSON.parse(readFileSync(path.join(dir, 'vqa', 'vqa_results.json'), 'utf8'));
    // Seven of ten annotators gave the true colour (accuracy 1), three said "square" (accuracy 1 too: 3 others agree).
    const truth = ['red', 'green', 'blue', 'red'];
    const expected = predicted.map((p, i): number => (p.answer === truth[i] || p.answer === 'square' ? 100 : 0));
    expect(rep.sections[0]!.metrics['VQA accuracy']).toBeCloseTo(expected.reduce((a, b) => a + b, 0) / 4, 9);
    expect(rep.sections[1]!.task).toBe('classification');
    expect(rep.sections[1]!.metrics['accuracy']).toBe((100 * predicted.filter((p, i) => p.answer === truth[i]).length) / 4);
    // Scoring the saved predictions gives the same report.
    const again = await modalflow(['eval', '--data', 'questions.json', '--annotations', 'annotations.json', '--predictions', 'vqa/vqa_results.json', '--metric', 'vqa', '-q']);
    expect(again.code).toBe(0);
    expect(report('vqa/eval-report').sections[0]!.metrics).toEqual(rep.sections[0]!.metrics);

    for (const features of ['lxmert_features.tsv', 'features']) {
      copyFileSync(path.join(SAMPLES, 'lxmert_features.tsv'), path.join(dir, 'lxmert_features.tsv'));
      mkdirSync(path.join(dir, 'features'), { recursive: true });
      for (const f of ['42.npz', '43.npz']) copyFileSync(path.join(SAMPLES, 'features', f), path.join(dir, 'features', f));
      // The samples hold images 42 and 73 (TSV) and 42, 43 (folder): questions about those.
      const ids = features === 'features' ? [42, 43] : [42, 73];
      writeFileSync(path.join(dir, 'rq.json'), JSON.stringify({ questions: ids.map((image_id, i) => ({ image_id, question: 'what color is the square', question_id: i })) }));
      writeFileSync(
        path.join(dir, 'ra.json'),
        JSON.stringify({ annotations: ids.map((image_id, i) => ({ question_id: i, image_id, question_type: 'what', answer_type: 'other', multiple_choice_answer: 'red', answers: Array.from({ length: 10 }, (_, j) => ({ answer: 'red', answer_id: j })) })) }),
      );
      const rr = await modalflow(['eval', 'vqa-regions.json', '--data', 'rq.json', '--format', 'vqa', '--annotations', 'ra.json', '--features', features, '--answers', 'answers.txt', '--metric', 'vqa', '--device', 'cpu', '--out', `regions-${features}`, '-q']);
      expect(rr.code, rr.stderr).toBe(0);
      expect(report(`regions-${features}`).sections[0]!.count).toBe(2);
    }
  });

  it('scores image-text matching on caption pairs with a matching head', async () => {
    const itm = graph(4, [
      imageTower('i', 'image'),
      textTower('q', 'caption'),
      { nodes: [node('fuse', 'fusion.concat'), node('head', 'head.itm'), node('match', 'output.tensor')], edges: [edge('ipool.pooled', 'fuse.a'), edge('qpool.pooled', 'fuse.b'), edge('fuse.h', 'head.x'), edge('head.match', 'match.value')] },
    ]);
    writeFileSync(path.join(dir, 'itm.json'), JSON.stringify(itm));
    const r = await modalflow(['eval', 'itm.json', '--data', 'captions.json', '--media', 'img', '--metric', 'itm', '--device', 'cpu', '--out', 'itm', '-q']);
    expect(r.code, r.stderr).toBe(0);
    const s = report('itm').sections[0]!;
    // Six captions: six matching pairs and six with the next image's first caption.
    expect(s.count).toBe(12);
    expect(s.metrics['ITM AUC']).toBeGreaterThanOrEqual(0);
    expect(s.metrics['ITM AUC']).toBeLessThanOrEqual(1);
    // Each pair's probability is what `modalflow run` gives for it alone.
    const one = await modalflow(['run', 'itm.json', '-i', 'image=img/red.png', '-i', 'caption=a red square', '--device', 'cpu', '--json', '-q']);
    const p = JSON.parse(one.stdout).outputs.match.data[0];
    // The report keeps twelve examples, so every pair is listed.
    const pair = s.worst.find((w) => w.text === 'a red square' && w.media[0]!.endsWith('red.png'));
    expect(pair).toBeDefined();
    expect(Number(pair!.prediction.replace('p(match) = ', ''))).toBeCloseTo(p, 3);
  });

  it('judges NLVR2 statements about image pairs', async () => {
    const r = await modalflow(['eval', 'nlvr2-graph.json', '--data', 'nlvr2.jsonl', '--media', 'dev', '--metric', 'nlvr2', '--device', 'cpu', '--out', 'nlvr2', '-q']);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(path.join(dir, 'nlvr2', 'nlvr2_predictions.csv'), 'utf8').trim().split('\n');
    const right = lines.filter((l, i) => l.endsWith(['True', 'False', 'True'][i]!)).length;
    expect(report('nlvr2').sections[0]!.metrics['accuracy']).toBeCloseTo((100 * right) / 3, 9);
  });

  it('scores caption predictions for image, video and audio caption formats', async () => {
    writeFileSync(path.join(dir, 'caption_results.json'), JSON.stringify(CAPTIONS.map((cs, i) => ({ image_id: i + 1, caption: cs[0] }))));
    const coco = await modalflow(['eval', '--data', 'captions.json', '--predictions', 'caption_results.json', '--metric', 'bleu,cider,spice', '--out', 'cap', '-q']);
    expect(coco.code, coco.stderr).toBe(0);
    const sec = report('cap').sections[0]!;
    expect(sec.metrics['BLEU-1']).toBeGreaterThan(0.5);
    expect(sec.skipped.map((s) => s.metric)).toEqual(['SPICE']);
    expect(coco.stdout).toMatch(/SPICE\s+skipped: SPICE is not computed/);

    for (const [data, key, id] of [
      ['msrvtt_videodatainfo.json', 'video_id', 'video7010'],
      ['audiocaps_test.csv', 'audio_id', '7fmOlUlwoNg'],
      ['clotho_captions_evaluation.csv', 'audio_id', 'Santa Motor.wav'],
    ] as const) {
      copyFileSync(path.join(SAMPLES, data), path.join(dir, data));
      const ds = await modalflow(['eval', '--data', data, '--predictions', 'none.json', '--metric', 'bleu', '-q']);
      expect(ds.code).toBe(1); // no predictions file yet: a located error, not a crash
      const rows = (data.startsWith('msrvtt') ? ['video0', 'video7010'] : data.startsWith('audiocaps') ? ['7fmOlUlwoNg', '6BJ455B1aAs'] : ['Santa Motor.wav', 'Radio, Static.wav']).map((k) => ({ [key]: k, caption: k === id ? 'a man is singing' : 'noise' }));
      writeFileSync(path.join(dir, `${data}.results.json`), JSON.stringify(rows));
      const ok = await modalflow(['eval', '--data', data, '--predictions', `${data}.results.json`, '--metric', 'captioning', '--out', `cap-${data}`, '-q']);
      expect(ok.code, ok.stderr).toBe(0);
      expect(report(`cap-${data}`).sections[0]!.count).toBe(2);
    }
  });

  it('reports a missing image at the data-set entry that names it', async () => {
    const r = await modalflow(['eval', 'dual.json', '--data', 'captions.json', '--media', 'nowhere', '--metric', 'recall', '--device', 'cpu', '-q']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/MF_DATA_MISSING_FILE: image file ".*nowhere\/red.png" does not exist .*captions.json, at \/images\/0/);
  });

  it('refuses a graph and a predictions file together, and an unknown metric', async () => {
    expect((await modalflow(['eval', 'dual.json', '--data', 'captions.json', '--predictions', 'x.json', '--metric', 'recall'])).code).toBe(2);
    expect((await modalflow(['eval', '--data', 'captions.json', '--predictions', 'x.json', '--metric', 'rouge'])).code).toBe(2);
  });
});
