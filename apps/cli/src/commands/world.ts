import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { WORLD_SCHEME, generateWorld, parseWorldSpec, worldFiles } from '@modalflow/world';
import { UsageError } from '@modalflow/node-io';
import type { Io } from '../io.ts';

/**
 * Writes the teaching world out as a dataset: train/test/heldout JSONL manifests whose columns
 * name graph inputs (image, text, question, answer_id, ...), one PNG per picture, and world.json
 * with the vocabularies. `modalflow train --data <dir>/train.jsonl` then reads it like any data.
 */
export async function worldCommand(io: Io, spec: string, opts: { out: string }): Promise<void> {
  const full = spec.startsWith(WORLD_SCHEME) ? spec : `${WORLD_SCHEME}${spec}`;
  let world;
  try {
    world = generateWorld(parseWorldSpec(full));
  } catch (e) {
    throw new UsageError(`${(e as Error).message}`);
  }
  const root = path.resolve(io.cwd, opts.out);
  const files = worldFiles(world);
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(root, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  const manifests = Object.keys(files).filter((f) => f.endsWith('.jsonl'));
  io.err(`wrote ${world.examples.length} examples to ${opts.out}: ${manifests.join(', ')}, ${Object.keys(files).length - manifests.length - 1} pictures and world.json\n`);
}
