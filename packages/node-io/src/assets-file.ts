import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { ModalflowError, checkDocumentUri, type AssetData, type AssetLookup, type Problem } from '@modalflow/core';
import { readUserFile } from './files.ts';
import type { GraphFile } from './graph-file.ts';
import { modelDirFile, type ModelDir } from './model-dir.ts';
import { UsageError } from './usage-error.ts';

/** The asset options shared by every command that analyses a graph. */
export interface AssetOptions {
  /** `name=path` overrides, relative to the working directory. */
  asset?: string[];
  modelDir?: string;
  variant?: string;
}

export interface LoadedAssets {
  byName: Map<string, AssetData>;
  lookup: AssetLookup;
  /** What went wrong reading them; `loadAssets` throws these unless asked to collect them. */
  problems: Problem[];
}

const hashOf = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Parses the repeatable `--asset name=path` against the assets the document lists. */
export function parseAssetArgs(args: readonly string[], listed: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0 || eq === arg.length - 1) throw new UsageError(`--asset "${arg}" must look like name=path`);
    const name = arg.slice(0, eq);
    if (out.has(name)) throw new UsageError(`--asset "${name}" is given more than once`);
    if (!listed.includes(name)) {
      throw new UsageError(`--asset "${name}": the graph has no asset of that name (assets: ${listed.join(', ') || 'none'})`);
    }
    out.set(name, arg.slice(eq + 1));
  }
  return out;
}

/**
 * Reads every asset the document lists: from `--asset` when given, else from `--model-dir`
 * when its file name is one of that layout's, else from the graph's folder, checking the
 * sha256 the document records. Overrides are the user's explicit choice (a quantised variant
 * has other bytes by nature), so the document's hash is not held against them.
 */
export async function loadAssets(graph: GraphFile, opts: AssetOptions, cwd: string, collect = false): Promise<LoadedAssets> {
  const listed = graph.doc.assets ?? {};
  const names = Object.keys(listed);
  const overrides = parseAssetArgs(opts.asset ?? [], names);
  if (opts.variant !== undefined && opts.modelDir === undefined) throw new UsageError('--variant picks a file of --model-dir; give --model-dir too');
  if (opts.variant !== undefined && !/^[A-Za-z0-9]+$/.test(opts.variant)) throw new UsageError(`--variant "${opts.variant}" must be letters and digits, such as quantized or fp16`);
  const dir: ModelDir | undefined = opts.modelDir === undefined ? undefined : { dir: path.resolve(cwd, opts.modelDir), shown: opts.modelDir, variant: opts.variant };
  if (dir && !names.some((n) => !overrides.has(n) && modelDirFile(listed[n]!.uri, dir.variant))) {
    throw new UsageError(`--model-dir ${opts.modelDir}: no asset of the graph is a model-folder file (onnx/*.onnx, tokenizer.json, tokenizer_config.json, preprocessor_config.json)`);
  }

  const byName = new Map<string, AssetData>();
  const problems: Problem[] = [];
  for (const [name, ref] of Object.entries(listed)) {
    const at = { file: graph.file, path: `/assets/${name}/uri` };
    try {
      const override = overrides.get(name);
      const inDir = dir && override === undefined ? modelDirFile(ref.uri, dir.variant) : undefined;
      if (override !== undefined) {
        byName.set(name, hashed({ name, uri: override, bytes: await readUserFile(path.resolve(cwd, override), `asset "${name}" file`) }));
      } else if (dir && inDir) {
        byName.set(name, hashed({ name, uri: path.join(dir.shown, inDir), bytes: await readFromModelDir(name, ref.uri, dir, inDir) }));
      } else {
        // Analysis reports an escaping URI; nothing outside the graph's folder is read.
        if (checkDocumentUri(ref.uri)) continue;
        byName.set(name, await readDocumentAsset(graph, name, ref));
      }
    } catch (e) {
      if (!(e instanceof ModalflowError)) throw e;
      problems.push(...e.problems.map((p) => ({ ...p, at: { ...at, ...p.at } })));
    }
  }
  if (problems.length && !collect) throw ModalflowError.fromProblems(problems);
  return { byName, lookup: (name) => byName.get(name), problems };
}

async function readDocumentAsset(graph: GraphFile, name: string, ref: { uri: string; sha256?: string | undefined }): Promise<AssetData> {
  const shown = path.join(path.dirname(graph.file), ref.uri);
  let bytes: Uint8Array;
  try {
    bytes = await readUserFile(path.resolve(graph.dir, ref.uri), `asset "${name}"`);
  } catch (e) {
    if (e instanceof ModalflowError && e.code === 'MF_FILE_NOT_FOUND') {
      throw new ModalflowError(
        'MF_FILE_NOT_FOUND',
        `asset "${name}" is "${ref.uri}", but ${shown} does not exist; put the file there or pass --asset ${name}=<file>`,
        { file: graph.file, path: `/assets/${name}/uri` },
      );
    }
    throw e;
  }
  const actual = hashOf(bytes);
  if (ref.sha256) {
    if (actual !== ref.sha256) {
      throw new ModalflowError('MF_ASSET_HASH', `asset "${name}": ${shown} has sha256 ${actual}, but the graph records ${ref.sha256}`, {
        file: graph.file,
        path: `/assets/${name}/sha256`,
      });
    }
  }
  return { name, uri: ref.uri, bytes, sha256: actual };
}

/**
 * node:crypto hashes at memory speed; recorded here, the hash is not computed again by the
 * compiler's portable (and much slower) sha256 for every compile.
 */
function hashed(asset: AssetData): AssetData {
  return { ...asset, sha256: hashOf(asset.bytes) };
}

async function readFromModelDir(name: string, uri: string, dir: ModelDir, file: string): Promise<Uint8Array> {
  const abs = path.join(dir.dir, file);
  try {
    return await readUserFile(abs, `asset "${name}"`);
  } catch (e) {
    if (e instanceof ModalflowError && e.code === 'MF_FILE_NOT_FOUND') {
      throw new ModalflowError(
        'MF_FILE_NOT_FOUND',
        `asset "${name}" ("${uri}") is taken from --model-dir, but ${path.join(dir.shown, file)} does not exist${await dirHint(dir, file)}`,
        { file: abs },
      );
    }
    throw e;
  }
}

/** What the folder does hold of that file's kind, so a wrong --variant is easy to correct. */
async function dirHint(dir: ModelDir, file: string): Promise<string> {
  try {
    const sub = path.dirname(file);
    const have = (await readdir(path.join(dir.dir, sub))).filter((f) => f.endsWith(path.extname(file))).sort();
    return have.length ? ` (${sub === '.' ? 'the folder' : `${sub}/`} has: ${have.join(', ')})` : '';
  } catch {
    return ` (${dir.shown} has no ${path.dirname(file)}/ folder)`;
  }
}
