/**
 * Parameter specs: the editor builds its widgets from these, the loader validates against
 * them, and TypeScript derives each node's params type from them.
 */
interface ParamBase<T> {
  default: T;
  description: string;
}

export interface IntParam extends ParamBase<number> {
  kind: 'int';
  min?: number;
  max?: number;
}
export interface FloatParam extends ParamBase<number> {
  kind: 'float';
  min?: number;
  max?: number;
}
export interface BoolParam extends ParamBase<boolean> {
  kind: 'bool';
}
export interface ChoiceParam<T extends string = string> extends ParamBase<T> {
  kind: 'choice';
  choices: readonly T[];
}
export interface StringParam extends ParamBase<string> {
  kind: 'string';
  pattern?: string;
  multiline?: boolean;
}
export interface StringListParam extends ParamBase<string[]> {
  kind: 'strings';
  maxItems?: number;
}
export interface IntListParam extends ParamBase<number[]> {
  kind: 'ints';
  min?: number;
}

/** The name of an entry in the document's `assets` (a model file, a tokenizer). */
export interface AssetParam extends ParamBase<string> {
  kind: 'asset';
  /** File name endings the asset may have, e.g. `.onnx`, `tokenizer.json`. */
  accept: readonly string[];
}

export type ParamSpec =
  | AssetParam
  | IntParam
  | FloatParam
  | BoolParam
  | ChoiceParam
  | StringParam
  | StringListParam
  | IntListParam;

export type ParamSpecs = Record<string, ParamSpec>;

export type ParamValue<S extends ParamSpec> = S['default'];
export type ParamValues<P extends ParamSpecs> = { -readonly [K in keyof P]: ParamValue<P[K]> };

type Opt<S extends ParamSpec> = Partial<Omit<S, 'kind' | 'default' | 'description'>> & {
  default: S['default'];
  description?: string;
};

export function int(o: Opt<IntParam>): IntParam {
  return { kind: 'int', description: '', ...o };
}
export function float(o: Opt<FloatParam>): FloatParam {
  return { kind: 'float', description: '', ...o };
}
export function bool(o: Opt<BoolParam>): BoolParam {
  return { kind: 'bool', description: '', ...o };
}
export function choice<const T extends string>(
  choices: readonly T[],
  o: { default: NoInfer<T>; description?: string },
): ChoiceParam<T> {
  return { kind: 'choice', choices, description: '', ...o };
}
export function string(o: Opt<StringParam>): StringParam {
  return { kind: 'string', description: '', ...o };
}
export function asset(o: Opt<AssetParam> & { accept: readonly string[] }): AssetParam {
  return { kind: 'asset', description: '', ...o };
}
export function strings(o: Opt<StringListParam>): StringListParam {
  return { kind: 'strings', description: '', ...o };
}
export function ints(o: Opt<IntListParam>): IntListParam {
  return { kind: 'ints', description: '', ...o };
}

/** Returns why `value` does not fit `spec`, or null. Messages read after "param x ". */
export function checkParam(spec: ParamSpec, value: unknown): { code: string; message: string } | null {
  const type = (expected: string) => ({
    code: 'MF_PARAM_TYPE',
    message: `expects ${expected}, got ${JSON.stringify(value)}`,
  });
  const range = (v: number, min?: number, max?: number) => {
    if ((min !== undefined && v < min) || (max !== undefined && v > max)) {
      const lo = min === undefined ? '-∞' : String(min);
      const hi = max === undefined ? '∞' : String(max);
      return { code: 'MF_PARAM_RANGE', message: `is ${v}, outside the range [${lo}, ${hi}]` };
    }
    return null;
  };
  switch (spec.kind) {
    case 'int':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) return type('an integer');
      return range(value, spec.min, spec.max);
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value)) return type('a finite number');
      return range(value, spec.min, spec.max);
    case 'bool':
      return typeof value === 'boolean' ? null : type('true or false');
    case 'choice':
      if (typeof value !== 'string' || !spec.choices.includes(value)) {
        return {
          code: 'MF_PARAM_CHOICE',
          message: `is ${JSON.stringify(value)}, expected one of ${spec.choices.map((c) => JSON.stringify(c)).join(', ')}`,
        };
      }
      return null;
    case 'string':
      if (typeof value !== 'string') return type('a string');
      if (spec.pattern && !new RegExp(spec.pattern).test(value)) {
        return { code: 'MF_PARAM_RANGE', message: `is ${JSON.stringify(value)}, which does not match ${spec.pattern}` };
      }
      return null;
    case 'strings':
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return type('a list of strings');
      if (spec.maxItems !== undefined && value.length > spec.maxItems) {
        return { code: 'MF_PARAM_RANGE', message: `has ${value.length} items, at most ${spec.maxItems} allowed` };
      }
      return null;
    case 'asset':
      if (typeof value !== 'string') return type('the name of an asset');
      return null;
    case 'ints':
      if (!Array.isArray(value) || !value.every((v) => Number.isSafeInteger(v))) return type('a list of integers');
      if (spec.min !== undefined && value.some((v: number) => v < spec.min!)) {
        return { code: 'MF_PARAM_RANGE', message: `has an item below ${spec.min}` };
      }
      return null;
  }
}
