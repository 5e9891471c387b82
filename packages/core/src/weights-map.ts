import { z } from 'zod';
import { ModalflowError, type Problem } from './errors.ts';
import { halfToFloat } from './half.ts';
import { numel, type Tensor } from './tensor.ts';

/**
 * A checkpoint map: how the tensors of someone else's checkpoint (a reference implementation's
 * state_dict, a Hugging Face model.safetensors) become a graph's weights. It is data, not code:
 * an ordered list of rules, each a regular expression over the source key (anchored at both
 * ends) and what to do with a match, plus ties (graph weights that take another weight's value
 * when the checkpoint leaves them out, as Hugging Face does with tied embeddings).
 *
 * - `to`: a graph weight name, `$1`… replaced by the groups; or a list of names, of which the
 *   tensor fills each one the graph has.
 * - `transpose`: a 2-d matrix stored [in, out] (OpenAI's `proj`) becomes PyTorch's [out, in].
 * - `split`: a fused projection (`in_proj_weight` [3d, d]) is cut into equal parts along axis 0.
 * - `rows`: [start, end) rows along axis 0 (a larger table of which the graph uses a part).
 * - `reshape`: the tensor's new dims (same element count; one may be -1), e.g. a [1, 1, d]
 *   token as [-1].
 * - `squeeze`: axes of size 1 to remove (ViT's class token [1, 1, d] as [d]).
 * - `fn`: an element-wise change of parametrisation; `neg_log` turns a temperature τ into the
 *   log scale s = −ln τ that a similarity head multiplies by as exp(s) (ALBEF's `temp`).
 * - `parts`: one tensor feeding several weights, each with its own `rows` / `reshape` /
 *   `transpose` (UNITER's token-type table: row 0 for text, row 1 for the regions).
 * - `drop`: the key is known and not needed (a causal-mask buffer, a pretraining-only head);
 *   the text says why.
 * The first rule that matches a key decides it; a key no rule matches is reported as unplaced.
 */
const NameList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

const Ops = {
  squeeze: z.array(z.number().int().min(0)).min(1).optional(),
  fn: z.enum(['neg_log']).optional(),
  transpose: z.boolean().optional(),
  rows: z.tuple([z.number().int().min(0), z.number().int().min(0)]).optional(),
  reshape: z.array(z.number().int().min(-1).refine((d) => d !== 0, 'a dimension is at least 1, or -1')).optional(),
};

const PartSchema = z.object({ to: z.string().min(1), ...Ops }).strict();

const RuleSchema = z
  .object({
    from: z.string().min(1),
    to: NameList.optional(),
    split: z.array(z.string().min(1)).min(2).optional(),
    parts: z.array(PartSchema).min(1).optional(),
    ...Ops,
    drop: z.string().min(1).optional(),
    note: z.string().optional(),
  })
  .strict()
  .refine((r) => [r.to, r.split, r.parts, r.drop].filter((x) => x !== undefined).length === 1, {
    message: 'a rule needs exactly one of "to", "split", "parts" or "drop"',
  });

export const WeightsMapSchema = z
  .object({
    format: z.literal('modalflow.weights-map'),
    version: z.literal(1),
    title: z.string(),
    source: z.string().optional(),
    rules: z.array(RuleSchema),
    /** target graph weight -> graph weight whose value it takes when the checkpoint has none for it. */
    tie: z.record(z.string(), z.string()).optional(),
  })
  .strict();

export type WeightsMap = z.infer<typeof WeightsMapSchema>;
export type WeightsMapRule = z.infer<typeof RuleSchema>;

export interface CompiledRule {
  rule: WeightsMapRule;
  index: number;
  re: RegExp;
}

/** Validates a parsed JSON value as a map; every problem names the field at fault. */
export function loadWeightsMap(raw: unknown, file?: string): WeightsMap {
  const result = WeightsMapSchema.safeParse(raw);
  if (!result.success) {
    throw ModalflowError.fromProblems(
      result.error.issues.map((i) => ({
        code: 'MF_BAD_WEIGHTS_MAP',
        message: i.message,
        at: { file, path: '/' + i.path.map(String).join('/') },
      })),
    );
  }
  const map = result.data;
  compileRules(map, file);
  return map;
}

export function parseWeightsMap(text: string, file?: string): WeightsMap {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ModalflowError('MF_BAD_WEIGHTS_MAP', `not JSON: ${(e as Error).message}`, { file });
  }
  return loadWeightsMap(raw, file);
}

function compileRules(map: WeightsMap, file?: string): CompiledRule[] {
  return map.rules.map((rule, index) => {
    try {
      return { rule, index, re: new RegExp(`^(?:${rule.from})$`) };
    } catch (e) {
      throw new ModalflowError('MF_BAD_WEIGHTS_MAP', `"from" is not a regular expression: ${(e as Error).message}`, {
        file,
        path: `/rules/${index}/from`,
      });
    }
  });
}

export interface WeightsMapReport {
  /** Graph weights filled from the checkpoint: target -> source key (or `tie:<weight>`). */
  placed: Map<string, string>;
  /** Checkpoint keys that became no graph weight, with the reason. */
  unplaced: { key: string; reason: string }[];
  /** Checkpoint keys a rule dropped on purpose, with the rule's reason. */
  dropped: { key: string; reason: string }[];
  /** Graph weights the checkpoint did not fill: they keep their seeded values. */
  seeded: string[];
}

export interface MappedWeights {
  tensors: Map<string, Tensor>;
  report: WeightsMapReport;
}

function expand(template: string, match: RegExpExecArray): string {
  return template.replace(/\$(\d+)/g, (_, d: string) => match[Number(d)] ?? '');
}

/** Float32 copy of a floating tensor (float16 widened), or undefined for other dtypes. */
function asFloat32(t: Tensor): Tensor | undefined {
  if (t.dtype === 'float32') return t;
  if (t.dtype === 'float16') {
    const bits = t.data as Uint16Array;
    const out = new Float32Array(bits.length);
    for (let k = 0; k < bits.length; k++) out[k] = halfToFloat(bits[k]!);
    return { dtype: 'float32', dims: t.dims, data: out };
  }
  return undefined;
}

/** A tensor of the given dims without values: what a shapes-only check carries along. */
const shapeOnly = (dims: number[]): Tensor => ({ dtype: 'float32', dims, data: new Float32Array(0) });

function transpose2d(t: Tensor, shapesOnly = false): Tensor {
  const [r, c] = t.dims as [number, number];
  if (shapesOnly) return shapeOnly([c, r]);
  const src = t.data as Float32Array;
  const out = new Float32Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = src[i * c + j]!;
  return { dtype: 'float32', dims: [c, r], data: out };
}

function rowsOf(t: Tensor, start: number, end: number, shapesOnly = false): Tensor {
  if (shapesOnly) return shapeOnly([end - start, ...t.dims.slice(1)]);
  const inner = numel(t.dims.slice(1));
  return { dtype: 'float32', dims: [end - start, ...t.dims.slice(1)], data: (t.data as Float32Array).slice(start * inner, end * inner) };
}

/** rows, squeeze, reshape, transpose, then fn; a step that does not fit adds its reason to `why`. */
function applyOps(
  t: Tensor,
  ops: { reshape?: number[]; rows?: [number, number]; squeeze?: number[]; transpose?: boolean; fn?: 'neg_log' },
  what: string,
  why: string[],
  shapesOnly: boolean,
): Tensor | undefined {
  let out = t;
  if (ops.rows) {
    const [start, end] = ops.rows;
    if (!out.dims.length || end > out.dims[0]! || start >= end) {
      why.push(`${what} takes rows ${start}..${end} of [${out.dims.join(', ')}]`);
      return undefined;
    }
    out = rowsOf(out, start, end, shapesOnly);
  }
  if (ops.squeeze) {
    const axes = ops.squeeze;
    if (axes.some((a) => out.dims[a] !== 1)) {
      why.push(`${what} removes axes ${axes.join(', ')} of size 1, the tensor is [${out.dims.join(', ')}]`);
      return undefined;
    }
    out = { ...out, dims: out.dims.filter((_, a) => !axes.includes(a)) };
  }
  if (ops.reshape) {
    const known = ops.reshape.filter((d) => d !== -1);
    const free = ops.reshape.length - known.length;
    const total = numel(out.dims);
    const rest = total / numel(known);
    if (free > 1 || (free === 1 ? !Number.isInteger(rest) : rest !== 1)) {
      why.push(`${what} reshapes to [${ops.reshape.join(', ')}], the tensor is [${out.dims.join(', ')}]`);
      return undefined;
    }
    out = { ...out, dims: ops.reshape.map((d) => (d === -1 ? rest : d)) };
  }
  if (ops.transpose) {
    if (out.dims.length !== 2) {
      why.push(`${what} transposes a matrix, the tensor is [${out.dims.join(', ')}]`);
      return undefined;
    }
    out = transpose2d(out, shapesOnly);
  }
  if (ops.fn === 'neg_log' && !shapesOnly) {
    const src = out.data as Float32Array;
    const bad = src.findIndex((v) => !(v > 0));
    if (bad >= 0) {
      why.push(`${what} takes −ln of the values, and element ${bad} is ${src[bad]}`);
      return undefined;
    }
    out = { dtype: 'float32', dims: out.dims, data: src.map((v) => -Math.log(v)) };
  }
  return out;
}

const sameDims = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Applies a map to a checkpoint. `targets` holds every graph weight with its shape; tensors whose
 * shape does not fit are reported, never silently reshaped. Returns the graph weights it could
 * fill; the caller seeds the rest (the report lists them). With `shapesOnly` the tensors'
 * values are neither read nor written (their data may be empty): a check that a full-size
 * checkpoint's keys and shapes all find their place, without holding its gigabytes.
 */
export function applyWeightsMap(
  map: WeightsMap,
  source: Map<string, Tensor>,
  targets: Map<string, readonly number[]>,
  options: { shapesOnly?: boolean } = {},
): MappedWeights {
  const shapesOnly = options.shapesOnly ?? false;
  const rules = compileRules(map);
  const tensors = new Map<string, Tensor>();
  const placed = new Map<string, string>();
  const unplaced: { key: string; reason: string }[] = [];
  const dropped: { key: string; reason: string }[] = [];

  const place = (key: string, target: string, t: Tensor): string | undefined => {
    const shape = targets.get(target);
    if (!shape) return `"${target}" is not a weight of this graph`;
    if (!sameDims(t.dims, shape)) return `"${target}" is [${shape.join(', ')}], the tensor is [${t.dims.join(', ')}]`;
    const before = placed.get(target);
    if (before !== undefined) return `"${target}" is already filled from "${before}"`;
    tensors.set(target, t);
    placed.set(target, key);
    return undefined;
  };

  for (const [key, raw] of source) {
    let match: RegExpExecArray | null = null;
    let hit: CompiledRule | undefined;
    for (const r of rules) {
      match = r.re.exec(key);
      if (match) {
        hit = r;
        break;
      }
    }
    if (!hit || !match) {
      unplaced.push({ key, reason: 'no rule of the map matches it' });
      continue;
    }
    const { rule, index } = hit;
    if (rule.drop !== undefined) {
      dropped.push({ key, reason: rule.drop });
      continue;
    }
    const t = asFloat32(raw);
    if (!t) {
      unplaced.push({ key, reason: `it is ${raw.dtype}; weights are float32 (or float16, widened)` });
      continue;
    }
    const why: string[] = [];
    const shaped = applyOps(t, rule, `rule ${index}`, why, shapesOnly);
    if (shaped && rule.split) {
      const parts = rule.split.length;
      if (!shaped.dims.length || shaped.dims[0]! % parts !== 0) why.push(`rule ${index} splits axis 0 in ${parts}, the tensor is [${shaped.dims.join(', ')}]`);
      else {
        const step = shaped.dims[0]! / parts;
        const m = match;
        rule.split.forEach((name, k) => {
          const r = place(key, expand(name, m), rowsOf(shaped, k * step, (k + 1) * step, shapesOnly));
          if (r) why.push(r);
        });
      }
    } else if (shaped && rule.parts) {
      const m = match;
      rule.parts.forEach((part, k) => {
        const piece = applyOps(shaped, part, `rule ${index} part ${k}`, why, shapesOnly);
        const r = piece && place(key, expand(part.to, m), piece);
        if (r) why.push(r);
      });
    } else if (shaped && Array.isArray(rule.to)) {
      // A list names where the tensor may go: it fills each of them this graph has (a layer
      // that sits in a different node in the tiny and the full-size graph).
      const names = rule.to.map((name) => expand(name, match!));
      const present = names.filter((name) => targets.has(name));
      if (!present.length) why.push(`none of ${names.map((n) => `"${n}"`).join(', ')} is a weight of this graph`);
      for (const name of present) {
        const r = place(key, name, shaped);
        if (r) why.push(r);
      }
    } else if (shaped) {
      const r = place(key, expand(rule.to as string, match), shaped);
      if (r) why.push(r);
    }
    if (why.length) unplaced.push({ key, reason: why.join('; ') });
  }

  for (const [target, from] of Object.entries(map.tie ?? {})) {
    if (placed.has(target) || !targets.has(target)) continue;
    const t = tensors.get(from);
    if (t && sameDims(t.dims, targets.get(target)!)) {
      tensors.set(target, t);
      placed.set(target, `tie:${from}`);
    }
  }

  const seeded = [...targets.keys()].filter((name) => !placed.has(name));
  return { tensors, report: { placed, unplaced, dropped, seeded } };
}

/** One line per finding, for a command line or a panel. */
export function weightsMapProblems(report: WeightsMapReport, file?: string): Problem[] {
  return [
    ...report.unplaced.map((u) => ({
      code: 'MF_WEIGHT_UNPLACED',
      message: `checkpoint key "${u.key}" was not placed: ${u.reason}`,
      at: { file, weight: u.key },
      severity: 'warning' as const,
    })),
    ...report.seeded.map((name) => ({
      code: 'MF_WEIGHT_SEEDED',
      message: `weight "${name}" is not in the checkpoint and keeps its seeded value`,
      at: { file, weight: name },
      severity: 'warning' as const,
    })),
  ];
}
