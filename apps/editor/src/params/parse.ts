import { checkParam, type ParamSpec } from '@modalflow/core';

export type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

/** How a param value reads in a text field: lists one item per line or comma-separated ints. */
export function formatParam(spec: ParamSpec, value: unknown): string {
  if (value === undefined) return formatParam(spec, spec.default);
  switch (spec.kind) {
    case 'strings':
      return Array.isArray(value) ? value.join('\n') : String(value);
    case 'ints':
      return Array.isArray(value) ? value.join(', ') : String(value);
    default:
      return String(value);
  }
}

/** Reads a field's text as a param value and checks it with core's rules, so the node never holds one the compiler refuses. */
export function parseParam(spec: ParamSpec, text: string): Parsed {
  let value: unknown;
  switch (spec.kind) {
    case 'int':
    case 'float': {
      const t = text.trim();
      value = t === '' ? NaN : Number(t);
      break;
    }
    case 'bool':
      value = text === 'true';
      break;
    case 'strings':
      value = text.split('\n').map((s) => s.trim()).filter((s) => s !== '');
      break;
    case 'ints': {
      const parts = text.split(/[,\s]+/).filter((s) => s !== '');
      value = parts.map((s) => (/^-?\d+$/.test(s) ? Number(s) : NaN));
      break;
    }
    default:
      value = text;
  }
  const bad = checkParam(spec, value);
  return bad ? { ok: false, message: bad.message } : { ok: true, value };
}
