import { numel, type Tensor } from '@modalflow/core';
import { castTensor } from './cast.ts';
import { Dataset } from './dataset.ts';
import { DataCodes, RowError, dataError, dataProblem, type DataLocation } from './errors.ts';
import { ValueError } from './json-values.ts';
import type { RowSource } from './source.ts';
import type { Example, InputSpec, Loaders } from './spec.ts';

export interface NpyFolder {
  /** The folder's name as the user knows it, for messages; files are read as `<input>.npy` inside it. */
  folder: string;
  /** File names in the folder, when the caller can list it: any other .npy is reported as unknown. */
  files?: readonly string[];
}

export interface NpyFolderOptions extends Pick<Loaders, 'readFile' | 'decodeNpy'> {
  inputs: readonly InputSpec[];
  extraColumns?: 'error' | 'ignore';
}

interface Column {
  input: InputSpec;
  tensor: Tensor;
  /** Per-example shape and element count. */
  dims: number[];
  per: number;
}

class NpySource implements RowSource {
  constructor(
    readonly inputs: readonly InputSpec[],
    readonly size: number,
    private readonly columns: readonly Column[],
    private readonly folder: string,
  ) {}

  locate(row: number): DataLocation {
    return { file: this.folder, rows: [row] };
  }

  async load(row: number): Promise<Record<string, Example>> {
    if (!Number.isInteger(row) || row < 0 || row >= this.size) {
      throw new RowError([dataProblem(DataCodes.option, `row ${row} is outside the ${this.size} examples`, this.locate(row))]);
    }
    const out: Record<string, Example> = {};
    for (const { input, tensor, dims, per } of this.columns) {
      const from = row * per;
      if (input.kind === 'text') out[input.name] = (tensor.data as string[])[row]!;
      else {
        const data = Array.isArray(tensor.data) ? tensor.data.slice(from, from + per) : tensor.data.subarray(from, from + per);
        out[input.name] = { dtype: tensor.dtype, dims, data } as Tensor;
      }
    }
    return out;
  }
}

/**
 * A folder with one .npy per input, `<input name>.npy`, each holding every example along its
 * leading axis. Everything is read and checked here, since a fault in one file is a fault in
 * every example.
 */
export async function fromNpyFolder(where: NpyFolder, options: NpyFolderOptions): Promise<Dataset> {
  const folder = where.folder.replace(/[\\/]+$/, '');
  const fileOf = (name: string) => `${folder}/${name}.npy`;
  if (where.files && options.extraColumns !== 'ignore') {
    const names = new Set(options.inputs.map((i) => `${i.name}.npy`));
    const extra = where.files.find((f) => f.toLowerCase().endsWith('.npy') && !names.has(f));
    if (extra !== undefined) {
      const known = options.inputs.map((i) => i.name).join(', ');
      throw dataError(DataCodes.unknownColumn, `"${extra}" names no graph input (inputs: ${known})`, { file: `${folder}/${extra}`, column: extra.replace(/\.npy$/i, '') });
    }
  }
  const columns: Column[] = [];
  for (const input of options.inputs) {
    const file = fileOf(input.name);
    const at = { file, column: input.name };
    if (where.files && !where.files.includes(`${input.name}.npy`)) {
      throw dataError(DataCodes.missingColumn, `the folder has no "${input.name}.npy" for input "${input.name}"`, at);
    }
    let bytes: Uint8Array;
    try {
      bytes = await options.readFile(`${input.name}.npy`);
    } catch (e) {
      throw dataError(DataCodes.missingFile, `cannot read "${input.name}.npy" for input "${input.name}": ${(e as Error).message}`, at);
    }
    let tensor: Tensor;
    try {
      tensor = options.decodeNpy(bytes, file);
    } catch (e) {
      throw dataError(DataCodes.badFile, `cannot decode "${input.name}.npy": ${(e as Error).message}`, at);
    }
    if (tensor.dims.length === 0) throw dataError(DataCodes.shape, `the array is a scalar; its leading axis must list the examples`, at);
    if (input.kind === 'text') {
      if (tensor.dtype !== 'string' || tensor.dims.length !== 1) {
        throw dataError(DataCodes.wrongType, `a text input needs a 1-D string array (numpy "<U"), got ${tensor.dtype} [${tensor.dims.join(', ')}]`, at);
      }
    } else if (input.kind === 'image' && (tensor.dtype !== 'uint8' || tensor.dims.length !== 4 || tensor.dims[3] !== 3)) {
      throw dataError(DataCodes.wrongType, `an image input needs uint8 [N, H, W, 3], got ${tensor.dtype} [${tensor.dims.join(', ')}]`, at);
    } else {
      try {
        tensor = castTensor(tensor, input.dtype);
      } catch (e) {
        if (e instanceof ValueError) throw dataError(DataCodes.wrongType, e.message, at);
        throw e;
      }
    }
    const dims = tensor.dims.slice(1);
    const want = input.shape?.slice(1);
    if (want && (want.length !== dims.length || want.some((d, i) => typeof d === 'number' && d !== dims[i]))) {
      throw dataError(DataCodes.shape, `each example is [${dims.join(', ')}], but input "${input.name}" takes [${want.join(', ')}] per example`, at);
    }
    columns.push({ input, tensor, dims, per: numel(dims) });
  }
  const sizes = columns.map((c) => c.tensor.dims[0]!);
  const size = sizes[0] ?? 0;
  const odd = columns.find((c) => c.tensor.dims[0] !== size);
  if (odd) {
    const list = columns.map((c) => `${c.input.name}.npy: ${c.tensor.dims[0]}`).join(', ');
    throw dataError(DataCodes.length, `the files disagree on the number of examples (${list})`, { file: fileOf(odd.input.name), column: odd.input.name });
  }
  return new Dataset(new NpySource(options.inputs, size, columns, folder), undefined, folder);
}
