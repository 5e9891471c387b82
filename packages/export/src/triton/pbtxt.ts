import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';

/**
 * Protocol-buffer text format (what Triton's config.pbtxt files are), written and read
 * against Triton's own schema, proto/model_config.proto from triton-inference-server/common.
 * protobufjs reads .proto files and checks messages but has no text-format parser, so this is
 * a small one: every field name, enum value and nesting is checked against the schema.
 */

/** An enum value, written bare (TYPE_FP32) rather than quoted. */
export class EnumValue {
  constructor(readonly name: string) {}
}

export type PbValue = string | number | boolean | EnumValue | PbMessage | PbValue[];
export interface PbMessage {
  [field: string]: PbValue | undefined;
}

const quote = (s: string) => JSON.stringify(s);

function writeValue(v: PbValue, indent: string): string {
  if (v instanceof EnumValue) return v.name;
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) throw new Error('nested lists are not part of the text format');
  return `{\n${writeFields(v, indent + '  ')}${indent}}`;
}

function writeFields(m: PbMessage, indent: string): string {
  let out = '';
  for (const [k, v] of Object.entries(m)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) {
      if (!v.length) continue;
      const scalar = v.every((x) => typeof x !== 'object' || x instanceof EnumValue);
      if (scalar) out += `${indent}${k}: [ ${v.map((x) => writeValue(x, indent)).join(', ')} ]\n`;
      else for (const x of v) out += `${indent}${k} ${writeValue(x, indent)}\n`;
    } else if (typeof v === 'object' && !(v instanceof EnumValue)) out += `${indent}${k} ${writeValue(v, indent)}\n`;
    else out += `${indent}${k}: ${writeValue(v, indent)}\n`;
  }
  return out;
}

export function writePbtxt(m: PbMessage): string {
  return writeFields(m, '');
}

let root: protobuf.Root | undefined;
/** Triton's ModelConfig schema, parsed from the committed .proto. */
export function modelConfigType(): protobuf.Type {
  root ??= protobuf.parse(readFileSync(new URL('../../proto/model_config.proto', import.meta.url), 'utf8'), { keepCase: true }).root;
  return root.lookupType('inference.ModelConfig');
}

type Token = { kind: 'ident' | 'number' | 'string' | 'punct'; text: string; line: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  const re = /\s+|#[^\n]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|-?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+)[fF]?|-?inf(?:inity)?\b|[A-Za-z_][A-Za-z0-9_.]*|[{}[\]:<>,;]/gy;
  for (let m; re.lastIndex < text.length; ) {
    const at = re.lastIndex;
    m = re.exec(text);
    if (!m) throw new Error(`line ${line}: unexpected character ${JSON.stringify(text[at])}`);
    const t = m[0];
    if (/^\s/.test(t) || t.startsWith('#')) {
      line += t.split('\n').length - 1;
      continue;
    }
    const kind = t.startsWith('"') || t.startsWith("'") ? 'string' : /^-?[\d.]/.test(t) ? 'number' : /^[A-Za-z_-]/.test(t) ? 'ident' : 'punct';
    tokens.push({ kind, text: t, line });
  }
  return tokens;
}

const INTS = new Set(['int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64', 'sfixed32', 'sfixed64']);

/**
 * Parses text format into a plain object checked against `type`: unknown fields, enum values
 * not in the schema, a scalar where a message belongs and bad numbers are all errors with the
 * line they are on. Map fields take the text format's `{ key: … value: … }` entries.
 */
export function parsePbtxt(text: string, type: protobuf.Type = modelConfigType()): Record<string, unknown> {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const next = () => {
    const t = tokens[i++];
    if (!t) throw new Error('unexpected end of text');
    return t;
  };
  const fail = (t: Token | undefined, msg: string) => new Error(`line ${t?.line ?? 'end'}: ${msg}`);

  const scalar = (field: protobuf.Field, t: Token): unknown => {
    const resolved = field.resolve();
    if (resolved.resolvedType instanceof protobuf.Enum) {
      if (t.kind !== 'ident' || !(t.text in resolved.resolvedType.values)) {
        throw fail(t, `${field.name}: "${t.text}" is not one of ${Object.keys(resolved.resolvedType.values).join(', ')}`);
      }
      return t.text;
    }
    const ty = field.type;
    if (ty === 'string' || ty === 'bytes') {
      if (t.kind !== 'string') throw fail(t, `${field.name} needs a quoted string, got ${t.text}`);
      return JSON.parse(t.text.startsWith("'") ? `"${t.text.slice(1, -1).replace(/"/g, '\\"')}"` : t.text);
    }
    if (ty === 'bool') {
      if (!['true', 'false', 'True', 'False', '1', '0'].includes(t.text)) throw fail(t, `${field.name} needs true or false, got ${t.text}`);
      return t.text === 'true' || t.text === 'True' || t.text === '1';
    }
    if (INTS.has(ty)) {
      if (t.kind !== 'number' || !/^-?\d+$/.test(t.text)) throw fail(t, `${field.name} needs a whole number, got ${t.text}`);
      if (ty.startsWith('u') && t.text.startsWith('-')) throw fail(t, `${field.name} cannot be negative`);
      return Number(t.text);
    }
    if (ty === 'float' || ty === 'double') {
      if (t.kind !== 'number' && !/^-?inf/.test(t.text)) throw fail(t, `${field.name} needs a number, got ${t.text}`);
      return Number(t.text.replace(/[fF]$/, ''));
    }
    throw fail(t, `${field.name}: a message field needs { … }`);
  };

  const message = (ty: protobuf.Type, close: string | undefined): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (;;) {
      const t = peek();
      if (!t) {
        if (close) throw fail(t, `missing "${close}"`);
        return out;
      }
      if (close && t.text === close) {
        i++;
        return out;
      }
      const nameTok = next();
      if (nameTok.kind !== 'ident') throw fail(nameTok, `expected a field name, got ${nameTok.text}`);
      const field = ty.fields[nameTok.text];
      if (!field) throw fail(nameTok, `${ty.name} has no field "${nameTok.text}"`);
      field.resolve();
      const isMessage = field.resolvedType instanceof protobuf.Type || field instanceof protobuf.MapField;
      let sep = peek();
      if (sep?.text === ':') {
        i++;
        sep = peek();
      } else if (!isMessage) throw fail(sep, `expected ":" after ${field.name}`);
      const values: unknown[] = [];
      const one = (): unknown => {
        const v = peek();
        if (isMessage) {
          if (v?.text !== '{' && v?.text !== '<') throw fail(v, `${field.name} is a message: expected "{"`);
          i++;
          const closeWith = v.text === '{' ? '}' : '>';
          if (field instanceof protobuf.MapField) {
            const entry = new protobuf.Type(`${field.name}Entry`).add(new protobuf.Field('key', 1, field.keyType)).add(new protobuf.Field('value', 2, field.type));
            if (field.resolvedType) (entry.fields.value as protobuf.Field).resolvedType = field.resolvedType;
            ty.parent!.add(entry);
            try {
              return message(entry, closeWith);
            } finally {
              ty.parent!.remove(entry);
            }
          }
          return message(field.resolvedType as protobuf.Type, closeWith);
        }
        return scalar(field, next());
      };
      if (peek()?.text === '[') {
        i++;
        if (!field.repeated) throw fail(nameTok, `${field.name} is not repeated, so it takes no list`);
        while (peek()?.text !== ']') {
          values.push(one());
          if (peek()?.text === ',') i++;
          else if (peek()?.text !== ']') throw fail(peek(), `expected "," or "]" in ${field.name}`);
        }
        i++;
      } else values.push(one());
      if (peek()?.text === ',' || peek()?.text === ';') i++;
      if (field instanceof protobuf.MapField) {
        const map = (out[field.name] ??= {}) as Record<string, unknown>;
        for (const e of values as { key: string; value: unknown }[]) map[String(e.key)] = e.value ?? {};
      } else if (field.repeated) ((out[field.name] ??= []) as unknown[]).push(...values);
      else {
        if (field.name in out) throw fail(nameTok, `${field.name} is given twice`);
        out[field.name] = values[0];
      }
    }
  };

  const obj = message(type, undefined);
  const problem = type.verify(type.fromObject(obj));
  if (problem) throw new Error(problem);
  return obj;
}
