import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseGraph, type Tensor } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { createEngine, type Program } from '@modalflow/engine';
import { readSafetensors } from '@modalflow/onnx';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { ROOT, registry } from './fixtures.ts';

/** The trained tiny generation lessons answer about their committed test pictures as their READMEs say. */
const engine = createEngine(createNodeRuntime({ providers: ['cpu'] }), { registry });
const programs: Program[] = [];
afterAll(async () => {
  await Promise.all(programs.map((p) => p.release()));
});

function picture(file: string): Tensor {
  const png = PNG.sync.read(readFileSync(file));
  const rgb = new Uint8Array(png.width * png.height * 3);
  for (let p = 0; p < png.width * png.height; p++) rgb.set(png.data.subarray(p * 4, p * 4 + 3), p * 3);
  return { dtype: 'uint8', dims: [1, png.height, png.width, 3], data: rgb };
}

async function load(name: string): Promise<Program> {
  const dir = `${ROOT}examples/${name}/`;
  const doc = parseGraph(readFileSync(`${dir}tiny.json`, 'utf8'));
  const weights = readSafetensors(readFileSync(`${dir}trained.safetensors`)).tensors;
  const program = await engine.load(compileGraph(doc, registry, { weights }));
  programs.push(program);
  return program;
}

const text = (s: string): Tensor => ({ dtype: 'string', dims: [1], data: [s] });

describe('trained generation lessons', () => {
  it('multimodal dialogue: answers two turns about its picture', async () => {
    const program = await load('multimodal-dialogue');
    const image = picture(`${ROOT}examples/multimodal-dialogue/picture.png`);
    const reply = async (dialogue: string) => ((await program.run({ image, dialogue: text(dialogue) })).outputs['reply']!.data as string[])[0];
    expect(await reply('what shape is there ?')).toBe('square');
    expect(await reply('what shape is there ? [SEP] square [SEP] what colour is it ?')).toBe('yellow');
    expect(await reply('what shape is there ? [SEP] square [SEP] where is it ?')).toBe('bottom');
  });

  it('story generation: tells its three pictures in order, and in the other order when they are swapped', async () => {
    const program = await load('story-generation');
    const images = Object.fromEntries([1, 2, 3].map((i) => [`image${i}`, picture(`${ROOT}examples/story-generation/picture${i}.png`)]));
    const story = ((await program.run(images)).outputs['story_text']!.data as string[])[0];
    const truth: string = JSON.parse(readFileSync(`${ROOT}examples/story-generation/picture-story.json`, 'utf8')).story;
    expect(story).toBe(truth);
    const swapped = ((await program.run({ image1: images['image3']!, image2: images['image2']!, image3: images['image1']! })).outputs['story_text']!.data as string[])[0];
    expect(swapped).toBe(truth.split(' then ').reverse().join(' then '));
  });
});
