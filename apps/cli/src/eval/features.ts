import { existsSync, createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { ModalflowError } from '@modalflow/core';
import { DATA_CODES, readRegionNpy, readRegionNpz, readRegionTsv, type Dataset, type RegionFeatures } from '@modalflow/eval';

/** Digits at the end of an id ("COCO_val2014_000000000042" -> "42"), so TSV ids match COCO image ids. */
function numericKey(id: string): string | undefined {
  const m = /(\d+)$/.exec(id);
  return m ? String(Number(m[1])) : undefined;
}

async function* chunks(file: string): AsyncGenerator<string> {
  for await (const c of createReadStream(file, { encoding: 'utf8' })) yield c as string;
}

/**
 * Adds `features` [N, D] and `boxes` [N, 4] columns to each row from bottom-up-attention
 * features: a TSV (LXMERT/UNITER or original layout), or a folder of per-image .npz/.npy files
 * named by image id. A row whose image has no features is an error at that row.
 */
export async function joinRegionFeatures(ds: Dataset, source: string, expectDim?: number): Promise<void> {
  if (!existsSync(source)) throw new ModalflowError('MF_FILE_NOT_FOUND', `features "${source}" do not exist`, { file: source });
  const isDir = (await stat(source)).isDirectory();
  const byId = new Map<string, RegionFeatures>();
  if (!isDir) {
    for await (const r of readRegionTsv(chunks(source), source, expectDim)) {
      byId.set(r.image_id, r);
      const n = numericKey(r.image_id);
      if (n !== undefined && !byId.has(n)) byId.set(n, r);
    }
  }
  for (const [i, row] of ds.rows.entries()) {
    const id = String(row['image_id'] ?? '');
    let r = byId.get(id) ?? byId.get(numericKey(id) ?? '');
    if (!r && isDir) {
      const stem = typeof row['image'] === 'string' ? path.basename(row['image'], path.extname(row['image'])) : id;
      for (const name of [id, stem]) {
        const npz = path.join(source, `${name}.npz`);
        const npy = path.join(source, `${name}.npy`);
        if (existsSync(npz)) r = readRegionNpz(new Uint8Array(await readFile(npz)), npz, id, expectDim);
        else if (existsSync(npy)) {
          const boxes = path.join(source, `${name}_boxes.npy`);
          r = readRegionNpy(new Uint8Array(await readFile(npy)), npy, id, existsSync(boxes) ? new Uint8Array(await readFile(boxes)) : undefined, expectDim);
        }
        if (r) {
          byId.set(id, r);
          break;
        }
      }
    }
    if (!r) throw new ModalflowError(DATA_CODES.missingFile, `no region features for image ${id} in ${source}`, ds.at[i]!);
    row['features'] = r.features;
    row['boxes'] = r.boxes;
    row['num_boxes'] = r.num_boxes;
    (row as Record<string, unknown>)['features_dims'] = [r.num_boxes, r.dim];
  }
}
