import { CATEGORIES, type AnyNodeDef, type ParamSpec, type PortSpec } from '@modalflow/core';
import { formatTable } from './table.ts';

export interface PortDoc {
  dtypes: string[];
  /** Shape template: numbers, dimension names and integer param names; null for any rank. */
  shape: (number | string)[] | null;
  optional: boolean;
  description: string;
}

export interface ParamDoc {
  kind: ParamSpec['kind'];
  default: unknown;
  description: string;
  min?: number;
  max?: number;
  choices?: string[];
  pattern?: string;
  maxItems?: number;
}

export interface NodeDoc {
  type: string;
  version: number;
  category: string;
  title: string;
  role: string;
  inputKind?: string;
  doc: string;
  formula?: string;
  source?: string;
  inputs: Record<string, PortDoc>;
  outputs: Record<string, PortDoc>;
  params: Record<string, ParamDoc>;
  presets?: { name: string; title: string; params: Record<string, unknown> }[];
  /** Retired types that documents may still name; they are read as this one. */
  replaces?: string[];
}

function portDoc(p: PortSpec): PortDoc {
  return { dtypes: [...p.dtypes], shape: p.shape ? [...p.shape] : null, optional: p.optional, description: p.description };
}

function paramDoc(p: ParamSpec): ParamDoc {
  const out: ParamDoc = { kind: p.kind, default: p.default, description: p.description };
  if ('min' in p && p.min !== undefined) out.min = p.min;
  if ('max' in p && p.max !== undefined) out.max = p.max;
  if (p.kind === 'choice') out.choices = [...p.choices];
  if (p.kind === 'string' && p.pattern !== undefined) out.pattern = p.pattern;
  if (p.kind === 'strings' && p.maxItems !== undefined) out.maxItems = p.maxItems;
  return out;
}

const mapValues = <A, B>(o: Record<string, A>, f: (a: A) => B): Record<string, B> =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));

export function describeNode(def: AnyNodeDef): NodeDoc {
  return {
    type: def.type,
    version: def.version,
    category: def.category,
    title: def.title,
    role: def.role,
    ...(def.inputKind ? { inputKind: def.inputKind } : {}),
    doc: def.doc,
    ...(def.formula ? { formula: def.formula } : {}),
    ...(def.source ? { source: def.source } : {}),
    inputs: mapValues(def.inputs, portDoc),
    outputs: mapValues(def.outputs, portDoc),
    params: mapValues(def.params, paramDoc),
    ...(def.presets?.length ? { presets: def.presets.map((p) => ({ name: p.name, title: p.title, params: p.params })) } : {}),
    ...(def.replaces?.length ? { replaces: def.replaces.map((r) => r.type) } : {}),
  };
}

function range(p: ParamDoc): string {
  if (p.choices) return `one of ${p.choices.join(', ')}`;
  if (p.min !== undefined && p.max !== undefined) return `${p.min} … ${p.max}`;
  if (p.min !== undefined) return `≥ ${p.min}`;
  if (p.max !== undefined) return `≤ ${p.max}`;
  if (p.pattern) return `matches ${p.pattern}`;
  if (p.maxItems !== undefined) return `≤ ${p.maxItems} items`;
  return '';
}

function wrap(text: string, width: number, indent: string): string {
  const out: string[] = [];
  for (const para of text.split(/\n\s*\n/)) {
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width) {
        out.push(indent + line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    if (line) out.push(indent + line);
    out.push('');
  }
  out.pop();
  return out.join('\n');
}

function portRows(ports: Record<string, PortDoc>): string[][] {
  return Object.entries(ports).map(([name, p]) => [
    name,
    p.dtypes.join('|'),
    p.shape ? `[${p.shape.join(', ')}]` : 'any shape',
    [p.optional ? '(optional)' : '', p.description].filter(Boolean).join(' '),
  ]);
}

function indentBlock(text: string, indent: string): string {
  return text
    .split('\n')
    .map((l) => (l ? indent + l : l))
    .join('\n');
}

export function formatNodeDoc(d: NodeDoc): string {
  const lines = [`${d.type}  v${d.version}  ${d.title}`];
  if (d.doc) lines.push(wrap(d.doc, 88, '  '));
  if (d.formula) lines.push(`  formula: ${d.formula}`);
  if (d.source) lines.push(`  source:  ${d.source}`);
  const sections: [string, string[][]][] = [
    ['inputs', portRows(d.inputs)],
    ['outputs', portRows(d.outputs)],
    [
      'params',
      Object.entries(d.params).map(([name, p]) => [name, p.kind, `default ${JSON.stringify(p.default)}`, range(p), p.description]),
    ],
  ];
  for (const [title, rows] of sections) {
    if (rows.length === 0) continue;
    lines.push(`  ${title}:`);
    lines.push(indentBlock(formatTable(rows), '    '));
  }
  if (d.presets?.length) {
    lines.push('  presets:');
    lines.push(indentBlock(formatTable(d.presets.map((p) => [`${d.type}#${p.name}`, p.title, JSON.stringify(p.params)])), '    '));
  }
  if (d.replaces?.length) lines.push(`  reads saved nodes of: ${d.replaces.join(', ')}`);
  return lines.join('\n');
}

/** Every node type, grouped by category in the editor's palette order. */
export function formatNodeList(docs: readonly NodeDoc[]): string {
  const order = (c: string) => {
    const i = (CATEGORIES as readonly string[]).indexOf(c);
    return i < 0 ? CATEGORIES.length : i;
  };
  const categories = [...new Set(docs.map((d) => d.category))].sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  const blocks = categories.map((c) => {
    const members = docs.filter((d) => d.category === c).sort((a, b) => a.type.localeCompare(b.type));
    return [`${c.toUpperCase()}`, '', ...members.map((d) => indentBlock(formatNodeDoc(d), '  ') + '\n')].join('\n');
  });
  return blocks.join('\n').trimEnd();
}
