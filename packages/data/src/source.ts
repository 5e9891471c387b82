import type { Problem } from '@modalflow/core';
import { CellError, decodeCell, type CellSource } from './cell.ts';
import { DataCodes, RowError, dataProblem, type DataLocation } from './errors.ts';
import type { DatasetOptions, Example, InputSpec, Loaders } from './spec.ts';

/** Where examples come from; a Dataset is a list of row numbers over one source. */
export interface RowSource {
  readonly inputs: readonly InputSpec[];
  readonly size: number;
  /** Loads one row; throws RowError listing every problem in it. */
  load(row: number): Promise<Record<string, Example>>;
  locate(row: number): DataLocation;
}

/** One parsed manifest line (or in-memory record), kept raw until a batch needs it. */
export interface RawRow {
  line?: number;
  values: Record<string, unknown>;
  /** Problems found while parsing, reported when the row is loaded so earlier batches still run. */
  problems?: Problem[];
}

/** Rows of named cells: JSONL and CSV manifests and in-memory records. */
export class TableSource implements RowSource {
  readonly size: number;
  private readonly byName: Map<string, InputSpec>;

  constructor(
    private readonly rows: readonly RawRow[],
    private readonly options: DatasetOptions,
    private readonly cellSource: CellSource,
    private readonly file?: string,
  ) {
    this.size = rows.length;
    this.byName = new Map(options.inputs.map((i) => [i.name, i]));
  }

  get inputs(): readonly InputSpec[] {
    return this.options.inputs;
  }

  locate(row: number): DataLocation {
    const r = this.rows[row];
    const at: DataLocation = { rows: [row] };
    if (this.file !== undefined) at.file = this.file;
    if (r?.line !== undefined) at.line = r.line;
    return at;
  }

  async load(row: number): Promise<Record<string, Example>> {
    const raw = this.rows[row];
    if (!raw) throw new RangeError(`row ${row} is outside the dataset (size ${this.size})`);
    const at = this.locate(row);
    if (raw.problems?.length) throw new RowError(raw.problems.map((p) => ({ ...p, at: { ...p.at, rows: [row] } as DataLocation })));
    const problems: Problem[] = [];
    if (this.options.extraColumns !== 'ignore') {
      for (const column of Object.keys(raw.values)) {
        if (!this.byName.has(column)) {
          const known = this.options.inputs.map((i) => i.name).join(', ');
          problems.push(dataProblem(DataCodes.unknownColumn, `column "${column}" names no graph input (inputs: ${known})`, { ...at, column }));
        }
      }
    }
    const out: Record<string, Example> = {};
    await Promise.all(
      this.options.inputs.map(async (input) => {
        if (!Object.hasOwn(raw.values, input.name)) {
          problems.push(dataProblem(DataCodes.missingColumn, `the row has no value for input "${input.name}"`, { ...at, column: input.name }));
          return;
        }
        try {
          out[input.name] = await decodeCell(raw.values[input.name], input, this.options as Partial<Loaders>, this.cellSource);
        } catch (e) {
          if (!(e instanceof CellError)) throw e;
          problems.push(dataProblem(e.code, e.message, { ...at, column: input.name }));
        }
      }),
    );
    if (problems.length) throw new RowError(sortProblems(problems, this.options.inputs));
    return out;
  }
}

/** Parallel loads finish in any order; report in column order so messages are reproducible. */
function sortProblems(problems: Problem[], inputs: readonly InputSpec[]): Problem[] {
  const rank = (p: Problem) => {
    const c = (p.at as DataLocation).column;
    const i = inputs.findIndex((x) => x.name === c);
    return i < 0 ? -1 : i;
  };
  return [...problems].sort((a, b) => rank(a) - rank(b));
}
