import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { writeNpy, type Tensor } from '@modalflow/core';

/** Writes each tensor as `<name>.npy` into `dir`, returning the files written. */
export async function writeTensors(dir: string, tensors: Record<string, Tensor>): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    const file = path.join(dir, `${name}.npy`);
    await writeFile(file, writeNpy(t));
    files.push(file);
  }
  return files;
}
