import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pngjs from 'pngjs';
import { parseInputValue, splitInputArg } from './parse-input.ts';
import { writeNpy } from '@modalflow/core';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'modalflow-input-'));
  writeFileSync(path.join(dir, 'x.json'), '[[1, 2], [3, 4]]');
  writeFileSync(path.join(dir, 'words.json'), '["a, b", "c"]');
  writeFileSync(path.join(dir, 'ids.npy'), writeNpy({ dtype: 'int64', dims: [1, 3], data: new BigInt64Array([5n, 6n, 7n]) }));
  writeFileSync(path.join(dir, 'prompt.txt'), 'a photo of a cat');
  const img = new pngjs.PNG({ width: 2, height: 3 });
  img.data = Buffer.alloc(2 * 3 * 4, 200);
  writeFileSync(path.join(dir, 'img.png'), pngjs.PNG.sync.write(img));
  mkdirSync(path.join(dir, 'folder.json'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('splitInputArg', () => {
  it('splits at the first =', () => {
    expect(splitInputArg('text=a=b')).toEqual({ name: 'text', value: 'a=b' });
    expect(splitInputArg('x=')).toEqual({ name: 'x', value: '' });
  });
  it('refuses a value without a name', () => {
    expect(() => splitInputArg('=3')).toThrow(/must look like name=value/);
    expect(() => splitInputArg('novalue')).toThrow(/must look like name=value/);
  });
});

describe('parseInputValue', () => {
  it('reads a .json file as the expected dtype', async () => {
    const t = await parseInputValue('x', 'x.json', 'int32', dir);
    expect(t).toEqual({ dtype: 'int32', dims: [2, 2], data: new Int32Array([1, 2, 3, 4]) });
  });

  it('reads a .npy file', async () => {
    const t = await parseInputValue('ids', path.join(dir, 'ids.npy'), 'int64', '/');
    expect(t.dims).toEqual([1, 3]);
    expect(Array.from(t.data as BigInt64Array)).toEqual([5n, 6n, 7n]);
  });

  it('decodes an image', async () => {
    const t = await parseInputValue('image', 'img.png', 'uint8', dir);
    expect(t).toMatchObject({ dtype: 'uint8', dims: [1, 3, 2, 3] });
  });

  it('parses an inline JSON array', async () => {
    const t = await parseInputValue('x', '[1, 2, 3]', 'float32', dir);
    expect(t).toEqual({ dtype: 'float32', dims: [3], data: new Float32Array([1, 2, 3]) });
  });

  it('parses a number for a numeric input as a scalar', async () => {
    expect(await parseInputValue('t', '0.5', 'float32', dir)).toEqual({ dtype: 'float32', dims: [], data: new Float32Array([0.5]) });
  });

  it('keeps text whole: commas are not separators', async () => {
    expect(await parseInputValue('text', 'a cat, a dog', 'string', dir)).toEqual({ dtype: 'string', dims: [1], data: ['a cat, a dog'] });
    expect(await parseInputValue('text', '[draft] a,b', 'string', dir)).toEqual({ dtype: 'string', dims: [1], data: ['[draft] a,b'] });
  });

  it('takes a JSON list of strings as a batch of texts', async () => {
    expect(await parseInputValue('text', '["a, b", "c"]', 'string', dir)).toEqual({ dtype: 'string', dims: [2], data: ['a, b', 'c'] });
    expect((await parseInputValue('text', 'words.json', 'string', dir)).data).toEqual(['a, b', 'c']);
  });

  it('reads @file as a file whatever its extension', async () => {
    expect(await parseInputValue('text', '@prompt.txt', 'string', dir)).toEqual({ dtype: 'string', dims: [1], data: ['a photo of a cat'] });
    expect((await parseInputValue('x', '@x.json', 'float32', dir)).dims).toEqual([2, 2]);
  });

  it('reports a missing file by name', async () => {
    await expect(parseInputValue('x', 'nope.npy', 'float32', dir)).rejects.toThrow(/MF_FILE_NOT_FOUND: input "x": file "nope.npy" does not exist/);
    await expect(parseInputValue('x', '@nope.bin', 'float32', dir)).rejects.toThrow(/MF_FILE_NOT_FOUND/);
    await expect(parseInputValue('x', '@folder.json', 'float32', dir)).rejects.toThrow(/is a directory/);
  });

  it('treats a missing file name as text for a text input', async () => {
    expect((await parseInputValue('text', 'notes.json', 'string', dir)).data).toEqual(['notes.json']);
  });

  it('refuses text for a numeric input', async () => {
    await expect(parseInputValue('x', 'hello', 'float32', dir)).rejects.toThrow(/input "x" is float32, but "hello" is text/);
  });

  it('names the input when inline JSON is broken', async () => {
    await expect(parseInputValue('x', '[1, 2', 'float32', dir)).rejects.toThrow(/input "x": not valid JSON/);
  });

  it('reports ragged inline arrays', async () => {
    await expect(parseInputValue('x', '[[1, 2], [3]]', 'float32', dir)).rejects.toThrow(/input "x": ragged array: \[1\] has 1 items/);
  });
});
