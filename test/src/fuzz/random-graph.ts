import {
  analyzeGraph,
  type AnyNodeDef,
  type Dim,
  type GraphDoc,
  type NodeRegistry,
  type ParamSpec,
  type PortSpec,
  type Shape,
} from '@modalflow/core';

/**
 * Random valid graphs drawn from the node registry itself: node types, their typed ports, their
 * param specs (ranges, choices) and symbolic sizes. A graph grows one node at a time; each new
 * node's inputs are wired to earlier outputs whose dtype and shape fit the port's template (sizes
 * named after an int param set that param), and the node is kept only if analysis accepts the
 * graph with it. Nothing is listed by hand except what a node cannot get from a random graph
 * (asset files) and the small sizes that keep a run fast.
 */

export interface Rng {
  next(): number;
  int(lo: number, hi: number): number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
}

/** mulberry32: small, fast and the same everywhere, so a seed names one graph. */
export function rng(seed: number): Rng {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  return { next, int, pick: (xs) => xs[Math.floor(next() * xs.length)]!, chance: (p) => next() < p };
}

export interface GenOptions {
  /** Op nodes to try to add (inputs and outputs not counted). */
  ops: number;
  /** Node types to draw from; every registered non-input, non-output type when absent. */
  types?: readonly string[];
}

export interface Generated {
  doc: GraphDoc;
  /** Node types the generator tried and analysis refused, with the first problem's code. */
  refused: [string, string][];
}

/** Symbolic sizes a graph may use and the value each takes when the graph is run. */
export const SYMBOLS: Readonly<Record<string, number>> = { B: 2, T: 3, S: 4 };

interface Value {
  node: string;
  port: string;
  shape: Shape;
  dtype: string;
}

/** An int param drawn from its range, kept small: sizes here are widths, counts and indices. */
function randomInt(spec: Extract<ParamSpec, { kind: 'int' }>, r: Rng): number {
  // Sizes start at 2: integer inputs hold 0 and 1, which must be valid ids of any table. Sizes
  // of 1 still come from the input shapes.
  const lo = spec.min !== undefined && spec.min >= 1 ? Math.max(spec.min, 2) : Math.max(spec.min ?? -2, -2);
  const hi = Math.min(spec.max ?? Infinity, Math.max(lo, 0) + 6);
  return r.int(lo, hi);
}

function randomParam(name: string, spec: ParamSpec, r: Rng): unknown {
  switch (spec.kind) {
    case 'int':
      return r.chance(0.15) && Math.abs(spec.default) <= 8 ? spec.default : randomInt(spec, r);
    case 'float': {
      if (r.chance(0.5)) return spec.default;
      const lo = spec.min ?? -1;
      const hi = Math.min(spec.max ?? lo + 2, lo + 2);
      return Math.round((lo + r.next() * (hi - lo)) * 1000) / 1000 || spec.default;
    }
    case 'bool':
      return r.chance(0.5);
    case 'choice':
      return r.pick(spec.choices);
    case 'ints':
      return Array.from({ length: r.int(1, 3) }, () => r.int(Math.max(spec.min ?? 1, 1), 6));
    default:
      // Strings, string lists and asset names keep their defaults: a random string is a name
      // nothing can resolve, not a graph.
      void name;
      return structuredClone(spec.default);
  }
}

/** A template dim that names an int param of the node. */
const paramDim = (def: AnyNodeDef, d: Dim): string | undefined =>
  typeof d === 'string' && def.params[d]?.kind === 'int' ? d : undefined;

/**
 * Whether `v` can feed `port`, given what the node's other inputs already bound. Known sizes must
 * match; symbolic sizes must be the same symbol (two different symbols are accepted by analysis,
 * which cannot know their values, but would fail when run with different sizes), and a size named
 * after an int param sets that param.
 */
function fits(def: AnyNodeDef, port: PortSpec, v: Value, binds: Map<string, Dim>): Map<string, Dim> | undefined {
  if (!port.dtypes.includes(v.dtype as never)) return undefined;
  if (port.shape === null) return binds;
  if (port.shape.length !== v.shape.length) return undefined;
  const next = new Map(binds);
  for (let k = 0; k < port.shape.length; k++) {
    const t = port.shape[k]!;
    const d = v.shape[k]!;
    if (typeof t === 'number') {
      if (d !== t) return undefined;
      continue;
    }
    const p = paramDim(def, t);
    if (p && typeof d !== 'number') return undefined;
    const bound = next.get(t);
    if (bound !== undefined && bound !== d) return undefined;
    next.set(t, d);
  }
  return next;
}

/** Draws a small input shape: a batch, then one to three sizes, some of them symbolic. */
function randomShape(r: Rng): string {
  const rank = r.pick([1, 2, 2, 3, 3, 4]);
  const dims: string[] = ['B'];
  for (let k = 1; k < rank; k++) dims.push(r.chance(0.2) ? r.pick(['T', 'S']) : String(r.int(1, 5)));
  return dims.join(', ');
}

function inputNode(def: AnyNodeDef, id: string, r: Rng): GraphDoc['nodes'][number] {
  const params: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(def.params)) params[name] = randomParam(name, spec as ParamSpec, r);
  if (def.type === 'input.tensor') {
    params['dtype'] = r.pick(['float32', 'float32', 'float32', 'int64', 'int32', 'bool', 'uint8']);
    params['shape'] = randomShape(r);
  }
  if ('batch' in params) params['batch'] = 'B';
  return { id, type: def.type, typeVersion: def.version, params };
}

/** Sizes of free image and region inputs (params left at 0) when a graph is run. */
export const FREE_SIZE = 3;

/**
 * The document with every symbolic size replaced by the size it takes in a run.
 * Analysis accepts a symbolic size against any other, since only a run can tell; a graph valid
 * only for that reason (a sequence of T tokens where another input has 2) fails when run, so the
 * generator asks for both documents to be valid.
 */
export function withKnownSizes(doc: GraphDoc): GraphDoc {
  const nodes = doc.nodes.map((n) => {
    const params = { ...n.params };
    if (n.type === 'input.tensor' && typeof params['shape'] === 'string') {
      params['shape'] = params['shape'].split(',').map((d) => {
        const t = d.trim();
        return t in SYMBOLS ? String(SYMBOLS[t]) : t;
      }).join(', ');
    }
    if (n.type.startsWith('input.') && typeof params['batch'] === 'string' && params['batch'] in SYMBOLS) params['batch'] = String(SYMBOLS[params['batch']]);
    for (const k of ['height', 'width', 'num_regions']) if (n.type.startsWith('input.') && params[k] === 0) params[k] = FREE_SIZE;
    return { ...n, params };
  });
  return { ...doc, nodes };
}

/** Analyses the document as written and with its sizes known; `known` is the latter's analysis. */
function analyzed(doc: GraphDoc, registry: NodeRegistry) {
  const a = analyzeGraph(doc, registry);
  const known = analyzeGraph(withKnownSizes(doc), registry);
  const errors = [...a.problems, ...known.problems].filter((p) => p.severity !== 'warning');
  return { a, known, errors };
}

/**
 * One random graph: two or three inputs, up to `ops` op nodes, and an output for every output
 * port nothing consumes, so every node is computed and compared.
 */
export function randomGraph(registry: NodeRegistry, seed: number, options: GenOptions): Generated {
  const r = rng(seed);
  const all = registry.list();
  const inputs = all.filter((d) => d.role === 'input');
  const output = all.find((d) => d.type === 'output.tensor')!;
  const types = options.types
    ? options.types.map((t) => registry.get(t)!)
    : all.filter((d) => d.role === 'op');
  const doc: GraphDoc = { format: 'modalflow.graph', version: 1, meta: { title: `random graph ${seed}` }, seed: seed % 1000, nodes: [], edges: [] };
  const refused: [string, string][] = [];

  const nIn = r.int(2, 3);
  for (let k = 0; k < nIn; k++) {
    const def = k === 0 ? registry.get('input.tensor')! : r.pick(inputs);
    doc.nodes.push(inputNode(def, `in${k}`, r));
  }
  let { a, known } = analyzed(doc, registry);
  // Values are wired by their sizes in a run. A size that stays symbolic even then (a picture's
  // side after resizing, known only from its pixels) is left unwired: analysis accepts it against
  // any size, so only a run could tell whether the graph is valid.
  const values = (): Value[] =>
    [...known.nodes.values()].filter((n) => n.ok).flatMap((n) =>
      Object.entries(n.outputShapes)
        .filter(([, shape]) => shape.every((d) => typeof d === 'number'))
        .map(([port, shape]) => ({ node: n.id, port, shape, dtype: n.outputDtypes[port]! })),
    );

  let made = 0;
  for (let attempt = 0; attempt < options.ops * 6 && made < options.ops; attempt++) {
    const def = r.pick(types);
    const id = `n${made}`;
    // A few draws of the params per wiring: constraints between params (heads dividing dim) are
    // for infer() to state, and most draws of a type with one fail it.
    for (let draw = 0; draw < 3; draw++) {
      if (tryAdd(def, id)) {
        made++;
        break;
      }
    }
  }

  function tryAdd(def: AnyNodeDef, id: string): boolean {
    const params: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(def.params)) params[name] = randomParam(name, spec as ParamSpec, r);
    // Later values first, weighted, so graphs grow deep rather than wide.
    const pool = values();
    const edges: GraphDoc['edges'] = [];
    let binds = new Map<string, Dim>();
    let ok = true;
    for (const [port, spec] of Object.entries(def.inputs as Record<string, PortSpec>)) {
      if (spec.optional && !r.chance(0.35)) continue;
      const fitting = pool.flatMap((v) => {
        const b = fits(def, spec, v, binds);
        return b ? [{ v, b }] : [];
      });
      if (fitting.length === 0) {
        if (spec.optional) continue;
        ok = false;
        break;
      }
      const choice = fitting[Math.min(fitting.length - 1, Math.floor(fitting.length * Math.sqrt(r.next())))]!;
      binds = choice.b;
      edges.push({ from: [choice.v.node, choice.v.port], to: [id, port] });
    }
    if (!ok) return false;
    for (const [name, d] of binds) if (paramDim(def, name) && typeof d === 'number') params[name] = d;
    const node = { id, type: def.type, typeVersion: def.version, params };
    const trial: GraphDoc = { ...doc, nodes: [...doc.nodes, node], edges: [...doc.edges, ...edges] };
    const t = analyzed(trial, registry);
    if (t.errors.length) {
      refused.push([def.type, t.errors[0]!.code]);
      return false;
    }
    doc.nodes.push(node);
    doc.edges.push(...edges);
    ({ a, known } = t);
    return true;
  }

  const consumed = new Set(doc.edges.map((e) => `${e.from[0]}.${e.from[1]}`));
  let k = 0;
  for (const n of a.nodes.values()) {
    if (n.def.role !== 'op') continue;
    for (const port of Object.keys(n.outputShapes)) {
      if (consumed.has(`${n.id}.${port}`)) continue;
      const id = `out${k++}`;
      doc.nodes.push({ id, type: output.type, typeVersion: output.version, params: {} });
      doc.edges.push({ from: [n.id, port], to: [id, 'value'] });
    }
  }
  return { doc, refused };
}
