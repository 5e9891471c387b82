import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { ModalflowError, type DType, type Tensor } from '@modalflow/core';
import { readUserFile, readUserText } from '../files.ts';
import { UsageError } from '../usage-error.ts';
import { IMAGE_EXTENSIONS, decodeImage, type DecodeImageOptions } from './image.ts';
import { jsonInputToTensor as jsonToTensor, parseJsonValue } from '@modalflow/data';
import { readNpy } from '@modalflow/core';

const FILE_EXTENSIONS = [...IMAGE_EXTENSIONS, '.npy', '.json'];

/** Splits `name=value` at the first `=`, so values may contain `=` themselves. */
export function splitInputArg(arg: string): { name: string; value: string } {
  const at = arg.indexOf('=');
  if (at <= 0) throw new UsageError(`--input "${arg}" must look like name=value`);
  return { name: arg.slice(0, at), value: arg.slice(at + 1) };
}

function isFile(p: string): boolean {
  try {
    return existsSync(p) && statSync(p).isFile();
  } catch {
    return false;
  }
}

async function fromFile(name: string, file: string, dtype: DType, image: DecodeImageOptions): Promise<Tensor> {
  const ext = path.extname(file).toLowerCase();
  if ((IMAGE_EXTENSIONS as readonly string[]).includes(ext)) return decodeImage(await readUserFile(file, `image for input "${name}"`), file, image);
  if (ext === '.npy') return readNpy(await readUserFile(file, `array for input "${name}"`), file);
  const text = await readUserText(file, `file for input "${name}"`);
  if (ext === '.json') return jsonToTensor(parseJsonValue(text, name, file), dtype, name);
  return { dtype: 'string', dims: [1], data: [text] };
}

/**
 * Turns one `--input` value into a tensor. `expected` is the dtype the graph declares for the
 * input (undefined for a name the graph lacks; the engine then reports it with the real names).
 * - `@path`: always a file;
 * - an existing .png/.jpg/.jpeg/.npy/.json file: decoded by its extension;
 * - a value starting with `[`: an inline JSON array (for text inputs, only a list of strings);
 * - a number, for numeric inputs: a scalar;
 * - anything else: text, one string (commas are part of the text, never separators).
 */
export async function parseInputValue(name: string, value: string, expected: DType | undefined, cwd: string, image: DecodeImageOptions = {}): Promise<Tensor> {
  if (value.startsWith('@')) return fromFile(name, path.resolve(cwd, value.slice(1)), expected ?? 'float32', image);
  const ext = path.extname(value).toLowerCase();
  const resolved = path.resolve(cwd, value);
  const textual = expected === 'string';
  if (FILE_EXTENSIONS.includes(ext)) {
    if (isFile(resolved)) return fromFile(name, resolved, expected ?? 'float32', image);
    if (!textual) {
      throw new ModalflowError('MF_FILE_NOT_FOUND', `input "${name}": file "${value}" does not exist`, { node: name, file: resolved });
    }
  }
  if (value.trimStart().startsWith('[')) {
    if (!textual) return jsonToTensor(parseJsonValue(value, name), expected ?? 'float32', name);
    // A batch of texts; text that merely starts with a bracket stays text.
    const list = tryJson(value);
    if (Array.isArray(list) && list.length > 0 && list.flat(Infinity).every((v) => typeof v === 'string')) {
      return jsonToTensor(list, 'string', name);
    }
  }
  if (expected !== undefined && !textual) {
    if (/^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(value)) return jsonToTensor(Number(value), expected, name);
    throw new ModalflowError(
      'MF_BAD_INPUT',
      `input "${name}" is ${expected}, but "${abbreviate(value)}" is text; give a JSON array ([...]), a number, or a .npy, .json or image file`,
      { node: name },
    );
  }
  return { dtype: 'string', dims: [1], data: [value] };
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function abbreviate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}
