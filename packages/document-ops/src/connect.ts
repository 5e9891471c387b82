import { analyzeGraph, type Analysis, type AssetLookup, type BlockLibraryLookup, type GraphDoc, type GraphEdge, type NodeRegistry, type PortSpec } from '@modalflow/core';
import { inputAccepts } from './compat.ts';
import { reaches } from './cycles.ts';

export type ConnectResult =
  | { ok: true; doc: GraphDoc; analysis: Analysis | null; replaced: GraphEdge | null }
  | { ok: false; code: string; message: string };

export interface ConnectOptions {
  /** The document's current analysis, for ports that depend on params or assets. */
  analysis?: Analysis;
  asset?: AssetLookup;
  /** The block library files the document pins. */
  library?: BlockLibraryLookup;
  /**
   * Whether to analyse the graph with the new edge. Inside an open block the shapes depend on
   * each instance, so only ports and cycles are checked there; analysis of the document then
   * reports what does not fit.
   */
  analyse?: boolean;
}

const REFUSING = new Set(['MF_DTYPE_MISMATCH', 'MF_SHAPE_MISMATCH']);

/** A node's port as the analysis sees it; `unknown` when its ports could not be read (an unloaded model file). */
function portOf(doc: GraphDoc, registry: NodeRegistry, analysis: Analysis | undefined, id: string, side: 'inputs' | 'outputs', port: string): PortSpec | 'unknown' | null {
  const info = analysis?.nodes.get(id);
  if (info) return info.portsKnown ? (info[side][port] ?? null) : (info[side][port] ?? 'unknown');
  const type = doc.nodes.find((n) => n.id === id)?.type;
  const def = type ? registry.get(type) : undefined;
  return def ? (def[side][port] ?? null) : null;
}

/**
 * Checks a new edge the way the compiler will: the document with the edge is analysed by core,
 * and a dtype or shape mismatch on that edge, or a shape error the target reports for that
 * port, refuses it. An existing edge into the same input is replaced. When the source's output
 * is not known yet (its own inputs are missing), the port templates are unified instead.
 */
export function tryConnect(doc: GraphDoc, registry: NodeRegistry, edge: GraphEdge, options: ConnectOptions = {}): ConnectResult {
  const [fromId, fromPort] = edge.from;
  const [toId, toPort] = edge.to;
  const out = portOf(doc, registry, options.analysis, fromId, 'outputs', fromPort);
  const inp = portOf(doc, registry, options.analysis, toId, 'inputs', toPort);
  if (!out) return { ok: false, code: 'MF_UNKNOWN_PORT', message: `"${fromId}" has no output port "${fromPort}"` };
  if (!inp) return { ok: false, code: 'MF_UNKNOWN_PORT', message: `"${toId}" has no input port "${toPort}"` };
  if (fromId === toId || reaches(doc, toId, fromId)) {
    return { ok: false, code: 'MF_CYCLE', message: `connecting "${fromId}.${fromPort}" to "${toId}.${toPort}" would make a cycle` };
  }
  const replaced = doc.edges.find((e) => e.to[0] === toId && e.to[1] === toPort) ?? null;
  if (replaced && replaced.from[0] === fromId && replaced.from[1] === fromPort) {
    return { ok: true, doc, analysis: null, replaced: null };
  }
  const next: GraphDoc = { ...doc, edges: [...doc.edges.filter((e) => e !== replaced), edge] };
  if (options.analyse === false) return { ok: true, doc: next, analysis: null, replaced };
  const index = next.edges.length - 1;
  // The current analysis was made with the same assets and libraries: nodes the new edge does not reach keep theirs.
  const analysis = analyzeGraph(next, registry, { asset: options.asset, library: options.library, ...(options.analysis ? { previous: options.analysis } : {}) });
  const bad = analysis.problems.find(
    (p) =>
      (p.at.edge === index && REFUSING.has(p.code)) ||
      (p.code === 'MF_SHAPE_INFER' && p.at.node === toId && p.at.port === toPort),
  );
  if (bad) return { ok: false, code: bad.code, message: bad.message };

  const src = analysis.nodes.get(fromId);
  if (!src?.outputShapes[fromPort] && out !== 'unknown' && inp !== 'unknown') {
    // The source's shape is unknown until its own inputs are wired: judge by the templates.
    if (!inputAccepts(inp, { dtypes: out.dtypes, shape: out.shape })) {
      const dtypeOk = out.dtypes.some((d) => inp.dtypes.includes(d));
      return dtypeOk
        ? { ok: false, code: 'MF_SHAPE_MISMATCH', message: `input "${toPort}" expects [${inp.shape?.join(', ')}], but "${fromId}.${fromPort}" gives [${out.shape?.join(', ')}]` }
        : { ok: false, code: 'MF_DTYPE_MISMATCH', message: `input "${toPort}" accepts ${inp.dtypes.join(' or ')}, but "${fromId}.${fromPort}" gives ${out.dtypes.join(' or ')}` };
    }
  }
  return { ok: true, doc: next, analysis, replaced };
}
