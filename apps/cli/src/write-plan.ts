import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { CompiledPlan } from '@modalflow/compiler';

export interface WrittenPlan {
  /** File written for each asset a host step reads, by asset name, relative to the folder. */
  assets: Record<string, string>;
  models: string[];
}

/**
 * Writes plan.json, one ONNX file per stage (an imported model's stage file is that model's
 * bytes), and each asset a host step reads (tokenizer files), named as its URI ends. plan.json
 * gains `assets: { <name>: <file> }` so whoever loads the folder finds those files.
 */
export async function writePlan(dir: string, compiled: CompiledPlan, uris: Record<string, string>): Promise<WrittenPlan> {
  const { plan, models } = compiled;
  await mkdir(dir, { recursive: true });
  const taken = new Set(['plan.json', ...Object.keys(models)].map((f) => f.toLowerCase()));
  const assets: Record<string, string> = {};
  for (const name of Object.keys(compiled.assets).sort()) {
    const file = freeName(baseName(uris[name] ?? name), taken);
    assets[name] = file;
    await writeFile(path.join(dir, file), compiled.assets[name]!);
  }
  const json = Object.keys(assets).length ? { ...plan, assets } : plan;
  await writeFile(path.join(dir, 'plan.json'), JSON.stringify(json, null, 2) + '\n');
  for (const [name, bytes] of Object.entries(models)) await writeFile(path.join(dir, name), bytes);
  return { assets, models: Object.keys(models) };
}

/** The last part of a URI or path as a plain file name: never a folder, never `..`. */
function baseName(uri: string): string {
  const last = uri.split(/[\\/]+/).filter((p) => p && p !== '.' && p !== '..').at(-1) ?? 'asset';
  return last.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_') || 'asset';
}

/** `tokenizer.json`, then `tokenizer-2.json` when two assets share a name (case-insensitively). */
function freeName(file: string, taken: Set<string>): string {
  const ext = path.extname(file);
  const stem = file.slice(0, file.length - ext.length);
  let name = file;
  for (let k = 2; taken.has(name.toLowerCase()); k++) name = `${stem}-${k}${ext}`;
  taken.add(name.toLowerCase());
  return name;
}
