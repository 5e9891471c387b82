import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { fromNpyFolder, fromRows, openManifest, type Dataset, type InputSpec } from '@modalflow/data';
import { WORLD_SCHEME, examplesOf, generateWorld, parseWorldSpec, worldRow, type World } from '@modalflow/world';
import { readUserFile, readUserText, decodeImage, decodeAudio, videoDecoder } from '@modalflow/node-io';
import { ModalflowError, readNpy } from '@modalflow/core';

export interface DataSource {
  dataset: Dataset;
  /** What the user named, for messages. */
  label: string;
  /** Held-out examples that come with the source (the teaching world's held-out split). */
  heldOut?: Dataset;
}

function worldDataset(world: World, split: 'train' | 'heldout' | 'test', inputs: readonly InputSpec[], label: string): Dataset {
  const rows = examplesOf(world, split).map((e) => worldRow(e, inputs));
  return fromRows(rows, { inputs, name: `${label} (${split})`, extraColumns: 'ignore' });
}

/**
 * Opens `--data`: `world:shapes?...` (the generated teaching world), a .jsonl or .csv manifest
 * whose columns name the graph's inputs, or a folder of .npy files, one per input.
 */
export async function openDataSource(spec: string, inputs: readonly InputSpec[], cwd: string): Promise<DataSource> {
  if (spec.startsWith(WORLD_SCHEME)) {
    const world = generateWorld(parseWorldSpec(spec));
    const heldOut = examplesOf(world, 'heldout').length ? worldDataset(world, 'heldout', inputs, spec) : undefined;
    const test = examplesOf(world, 'test').length ? worldDataset(world, 'test', inputs, spec) : undefined;
    return { dataset: worldDataset(world, 'train', inputs, spec), label: spec, heldOut: test ?? heldOut };
  }
  const abs = path.resolve(cwd, spec);
  let isDir = false;
  try {
    isDir = (await stat(abs)).isDirectory();
  } catch {
    throw new ModalflowError('MF_FILE_NOT_FOUND', `dataset "${spec}" does not exist`, { file: spec });
  }
  const dir = isDir ? abs : path.dirname(abs);
  const readFile = (p: string) => readUserFile(path.resolve(dir, p), 'dataset file');
  if (isDir) {
    const files = await readdir(abs);
    return { dataset: await fromNpyFolder({ folder: spec, files }, { inputs, readFile, decodeNpy: readNpy }), label: spec };
  }
  const ext = path.extname(abs).toLowerCase();
  if (ext !== '.jsonl' && ext !== '.csv') {
    throw new ModalflowError('MF_DATA_FORMAT', `dataset "${spec}" must be a .jsonl or .csv manifest, a folder of .npy files, or world:shapes?...`, { file: spec });
  }
  const text = await readUserText(abs, 'dataset manifest');
  return {
    // Manifests often carry ids, splits and labels beside the inputs; a missing input column is still an error.
    dataset: openManifest({ text, file: spec, format: ext === '.csv' ? 'csv' : 'jsonl' }, { inputs, readFile, decodeImage, decodeNpy: readNpy, decodeAudio, decodeVideo: videoDecoder(dir), extraColumns: 'ignore' }),
    label: spec,
  };
}
