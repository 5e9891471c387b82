import {
  analyzeGraph, formatShape, portKind,
  type Analysis, type AssetData, type DType, type Dim, type GraphDoc, type GraphEdge, type GraphNode, type NodeRegistry, type PortSpec, type Problem,
} from '@modalflow/core';
import { blockView, viewTypes } from '../blocks/blockView.ts';
import { viewAnalysis } from '../blocks/viewAnalysis.ts';

export const NO_LIBRARIES: ReadonlyMap<string, string> = new Map();
import { edgeId } from '../graph/edges.ts';
import type { AnalysisSlice, EdgeView, NodeView, PortView } from './types.ts';

/** Analysis reads ids, types, params and edges only; moving or relabelling a node keeps it valid. */
function sameStructure(a: GraphDoc, b: GraphDoc): boolean {
  if (a.edges !== b.edges || a.seed !== b.seed || a.weights !== b.weights || a.assets !== b.assets) return false;
  if (a.blocks !== b.blocks || a.blockLibraries !== b.blockLibraries) return false;
  if (a.nodes.length !== b.nodes.length) return false;
  for (let i = 0; i < a.nodes.length; i++) {
    const x = a.nodes[i]!;
    const y = b.nodes[i]!;
    if (x !== y && (x.id !== y.id || x.type !== y.type || x.typeVersion !== y.typeVersion || x.params !== y.params)) return false;
  }
  return true;
}

/** A port's kind from the value it carries when known: an `any rank` template still colours by what flows. */
function kindOf(spec: PortSpec, shape: readonly Dim[] | undefined, dtype: DType | undefined): string {
  return portKind(shape && dtype ? { ...spec, dtypes: [dtype], shape } : spec);
}

function portView(name: string, spec: PortSpec, shape: readonly Dim[] | undefined, dtype: DType | undefined, problem: string | null): PortView {
  return { name, spec, shape: shape ? formatShape(shape) : null, dtype: dtype ?? null, kind: kindOf(spec, shape, dtype), problem };
}

const UNKNOWN_PORT: PortSpec = { dtypes: [], shape: null, optional: true, description: 'not a port of this node as analysed' };

/** Ports the document's edges use but the analysis does not know, so their edges still draw. */
function extraPorts(known: Record<string, PortSpec>, used: readonly string[]): PortView[] {
  return [...new Set(used)]
    .filter((p) => !known[p])
    .map((name) => ({ ...portView(name, UNKNOWN_PORT, undefined, undefined, null), unknown: true }));
}

const viewKeys = new WeakMap<object, string>();

/** Returns `prev` when `next` says the same, so components selecting it do not re-render. */
function reuse<T extends object>(prev: T | undefined, next: T): T {
  const key = JSON.stringify(next);
  if (prev && viewKeys.get(prev) === key) return prev;
  viewKeys.set(next, key);
  return next;
}

function buildViews(doc: GraphDoc, analysis: Analysis, edgeIds: readonly string[], prev: AnalysisSlice | null, types: NodeRegistry) {
  const nodeProblems = new Map<string, Problem[]>();
  const portProblems = new Map<string, string>();
  const edgeProblems = new Map<number, Problem>();
  for (const p of analysis.problems) {
    if (p.at.node !== undefined && p.at.port !== undefined) portProblems.set(`${p.at.node}.${p.at.port}`, p.message);
    if (p.at.edge !== undefined) {
      if (!edgeProblems.has(p.at.edge)) edgeProblems.set(p.at.edge, p);
    } else if (p.at.node !== undefined) {
      const list = nodeProblems.get(p.at.node) ?? [];
      list.push(p);
      nodeProblems.set(p.at.node, list);
    }
  }

  const usedIn = new Map<string, string[]>();
  const usedOut = new Map<string, string[]>();
  for (const e of doc.edges) {
    usedOut.set(e.from[0], [...(usedOut.get(e.from[0]) ?? []), e.from[1]]);
    usedIn.set(e.to[0], [...(usedIn.get(e.to[0]) ?? []), e.to[1]]);
  }

  const nodeViews = new Map<string, NodeView>();
  for (const n of doc.nodes) {
    const info = analysis.nodes.get(n.id);
    // Without analysis (a block with no instance yet, a type that failed) the declared ports still show.
    const def = info ? undefined : types.get(n.type);
    const knownIn = info?.inputs ?? def?.inputs ?? {};
    const knownOut = info?.outputs ?? def?.outputs ?? {};
    const inputs = Object.entries(knownIn).map(([port, spec]) =>
      portView(port, spec, info?.inputShapes[port], info?.inputDtypes[port], portProblems.get(`${n.id}.${port}`) ?? null),
    );
    const outputs = Object.entries(knownOut).map(([port, spec]) =>
      info?.ok ? portView(port, spec, info.outputShapes[port], info.outputDtypes[port], null) : portView(port, spec, undefined, undefined, null),
    );
    inputs.push(...extraPorts(knownIn, usedIn.get(n.id) ?? []));
    outputs.push(...extraPorts(knownOut, usedOut.get(n.id) ?? []));
    const view: NodeView = {
      ok: !!info?.ok && !nodeProblems.get(n.id)?.some((p) => p.severity !== 'warning'),
      paramCount: info?.paramCount ?? 0,
      flops: info?.flops ?? 0,
      problems: nodeProblems.get(n.id) ?? [],
      inputs,
      outputs,
    };
    nodeViews.set(n.id, reuse(prev?.nodeViews.get(n.id), view));
  }

  const edgeViews = new Map<string, EdgeView>();
  doc.edges.forEach((e, i) => {
    const src = analysis.nodes.get(e.from[0]);
    const shape = src?.ok ? src.outputShapes[e.from[1]] : undefined;
    const dtype = src?.ok ? src.outputDtypes[e.from[1]] : undefined;
    const spec = src?.outputs[e.from[1]];
    const view: EdgeView = {
      shape: shape ? formatShape(shape) : null,
      dtype: dtype ?? null,
      kind: spec ? kindOf(spec, shape, dtype) : 'tensor',
      problem: edgeProblems.get(i) ?? null,
    };
    const id = edgeIds[i]!;
    edgeViews.set(id, reuse(prev?.edgeViews.get(id), view));
  });
  return { nodeViews, edgeViews };
}

function indexEdges(edges: readonly GraphEdge[]) {
  const edgeIds: string[] = [];
  const edgeIndex = new Map<string, GraphEdge>();
  for (const e of edges) {
    let id = edgeId(e);
    // Only a malformed document repeats an edge; keep ids unique so it can still be shown and fixed.
    for (let k = 2; edgeIndex.has(id); k++) id = `${edgeId(e)}#${k}`;
    edgeIds.push(id);
    edgeIndex.set(id, e);
  }
  return { edgeIds, edgeIndex };
}

/**
 * Everything the views read from a document: the whole document is analysed, and `view` is the
 * graph on screen (the document, or the inside of the open block `scope`). `analysis` may be
 * passed in when the caller already analysed this exact document.
 */
export function derive(
  doc: GraphDoc,
  registry: NodeRegistry,
  prev: AnalysisSlice | null,
  assets: ReadonlyMap<string, AssetData>,
  analysis?: Analysis,
  scope: string | null = null,
  libraries: ReadonlyMap<string, string> = NO_LIBRARIES,
): AnalysisSlice {
  const shown = scope && doc.blocks?.[scope] ? scope : null;
  const view = (shown && blockView(doc, shown)) || doc;
  const nodeIndex = new Map<string, GraphNode>(view.nodes.map((n) => [n.id, n]));
  const same = prev && prev.analyzedScope === shown && prev.analyzedLibraries === libraries && prev.analyzedAssets === assets;
  if (prev && same && !analysis && sameStructure(prev.analyzedDoc, doc)) {
    return { ...prev, analyzedDoc: doc, view, nodeIndex };
  }
  // With the same assets and libraries, nodes an edit did not reach keep their previous analysis.
  const previous = prev && same ? { previous: prev.analysis } : {};
  const result = analysis ?? analyzeGraph(doc, registry, { asset: (name) => assets.get(name), library: (uri) => libraries.get(uri), ...previous });
  const types = prev && same && prev.analyzedDoc.blocks === doc.blocks && prev.analyzedDoc.blockLibraries === doc.blockLibraries ? prev.types : viewTypes(registry, result.blocks, shown);
  const shownAnalysis = viewAnalysis(result, view, shown, types);
  const { edgeIds, edgeIndex } = prev && prev.view.edges === view.edges ? prev : indexEdges(view.edges);
  return {
    analyzedDoc: doc, analyzedAssets: assets, analyzedScope: shown, analyzedLibraries: libraries,
    analysis: result, view, viewAnalysis: shownAnalysis, types, nodeIndex, edgeIds, edgeIndex,
    ...buildViews(view, shownAnalysis, edgeIds, prev, types),
  };
}
