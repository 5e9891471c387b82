import type { AnyNodeDef, GraphDoc, GraphNode, NodeRegistry, ParamSpecs } from '@modalflow/core';
import type { Size } from '../store/types.ts';

/** The card's fixed width (node.css `.mf-node`). */
export const NODE_WIDTH = 204;

// Heights of the card's parts as node.css draws them, rounded up so the estimate is never
// smaller than the card: layouts built on it keep a gap even before React Flow measures.
const HEADER = 50;
const PORTS_PAD = 10;
const PORT_ROW = 32;
const PARAMS_PAD = 19;
const FIELD = 25;
const FIELD_GAP = 5;
const WIDE_LABEL = 19;
const TEXT_LINE = 16;
const FOOTER = 28;
const PROBLEMS_PAD = 14;
const PROBLEM_CODE = 13;
const PROBLEM_LINE = 15;
const PROBLEM_GAP = 4;
/** Characters of an 11px problem message that fit on one line of the card. */
const PROBLEM_CHARS = 27;

export interface SizedProblem {
  severity?: string;
  message: string;
}

/** The card lists up to three errors under its costs (warnings stay in the inspector). */
function problemsHeight(problems: readonly SizedProblem[]): number {
  const shown = problems.filter((p) => p.severity !== 'warning').slice(0, 3);
  if (!shown.length) return 0;
  return PROBLEMS_PAD + shown.reduce((h, p, i) => h + (i ? PROBLEM_GAP : 0) + PROBLEM_CODE + Math.ceil(p.message.length / PROBLEM_CHARS) * PROBLEM_LINE, 0);
}

function paramsHeight(params: ParamSpecs, values: Record<string, unknown>): number {
  const specs = Object.entries(params);
  if (!specs.length) return 0;
  let h = PARAMS_PAD + FIELD_GAP * (specs.length - 1);
  for (const [name, spec] of specs) {
    const wide = spec.kind === 'strings' || (spec.kind === 'string' && spec.multiline);
    if (!wide) {
      h += FIELD;
      continue;
    }
    // A textarea shows two to four lines, as many as its text has.
    const value = values[name] ?? spec.default;
    const text = Array.isArray(value) ? value.join('\n') : String(value ?? '');
    const rows = Math.min(4, Math.max(2, text.split('\n').length));
    h += WIDE_LABEL + rows * TEXT_LINE + 10;
  }
  return h;
}

/**
 * The size a node's card renders at full detail, from its ports and params: what layouts and the
 * first fitted view use before React Flow has measured the real card.
 */
export function nodeSize(node: GraphNode, def: AnyNodeDef | undefined, ports: { inputs: number; outputs: number }, problems: readonly SizedProblem[] = []): Size {
  const rows = Math.max(ports.inputs, ports.outputs);
  let height = HEADER + FOOTER + (rows ? PORTS_PAD + rows * PORT_ROW : 0) + problemsHeight(problems);
  if (def && !node.ui?.collapsed) height += paramsHeight(def.params as ParamSpecs, node.params);
  return { width: NODE_WIDTH, height };
}

export interface Box {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Pairs of boxes that intersect, with `gap` pixels of clearance required between them. */
export function overlappingPairs(boxes: readonly Box[], gap = 0): [string, string][] {
  const sorted = [...boxes].sort((a, b) => a.x - b.x);
  const pairs: [string, string][] = [];
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i]!;
    for (let j = i + 1; j < sorted.length; j++) {
      const b = sorted[j]!;
      if (b.x >= a.x + a.width + gap) break;
      if (a.y < b.y + b.height + gap && b.y < a.y + a.height + gap) pairs.push([a.id, b.id]);
    }
  }
  return pairs;
}

type PortCounts = { inputs: readonly unknown[]; outputs: readonly unknown[]; problems?: readonly SizedProblem[] };

/** Every node's card as it would render at its saved position. */
export function nodeBoxes(
  doc: GraphDoc,
  registry: NodeRegistry,
  views: ReadonlyMap<string, PortCounts>,
): Box[] {
  return doc.nodes.map((n) => {
    const def = registry.get(n.type);
    const v = views.get(n.id);
    const ports = v ? { inputs: v.inputs.length, outputs: v.outputs.length } : { inputs: Object.keys(def?.inputs ?? {}).length, outputs: Object.keys(def?.outputs ?? {}).length };
    return { id: n.id, x: n.ui?.x ?? 0, y: n.ui?.y ?? 0, ...nodeSize(n, def, ports, v?.problems) };
  });
}

/**
 * Sizes for fitting and laying out: the larger of React Flow's measurement and the size rule, since
 * a card measured while zoomed out was drawn as a glyph, smaller than it is once zoomed in.
 */
export function sizeLookup(
  doc: GraphDoc,
  registry: NodeRegistry,
  views: ReadonlyMap<string, PortCounts>,
  measured: ReadonlyMap<string, Size>,
): (id: string) => Size | undefined {
  const estimated = new Map(nodeBoxes(doc, registry, views).map((b) => [b.id, { width: b.width, height: b.height }]));
  return (id) => {
    const m = measured.get(id);
    const e = estimated.get(id);
    if (!m || !e) return m ?? e;
    return { width: Math.max(m.width, e.width), height: Math.max(m.height, e.height) };
  };
}
