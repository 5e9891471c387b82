import { serializeGraph, type GraphDoc, type GraphEdge, type GraphNode, type NodeRegistry, type ParamSpecs } from '@modalflow/core';
import { tryConnect, type ConnectResult } from '../graph/connect.ts';
import { freshId } from '../graph/ids.ts';
import { preparePaste, subgraph } from './clipboard.ts';
import { derive } from './derive.ts';
import { NO_ASSETS, lookupFor } from './assetSlice.ts';
import type { DocumentSlice, GetState, SetState, XY } from './types.ts';

function newNode(registry: NodeRegistry, doc: GraphDoc, type: string, position: XY): GraphNode {
  const def = registry.get(type);
  if (!def) throw new Error(`unknown node type "${type}"`);
  const id = freshId(type, new Set(doc.nodes.map((n) => n.id)));
  // Defaults are written out so a saved graph keeps meaning the same if a default changes later.
  const params = Object.fromEntries(Object.entries(def.params as ParamSpecs).map(([k, s]) => [k, structuredClone(s.default)]));
  return { id, type, typeVersion: def.version, params, ui: { x: Math.round(position.x), y: Math.round(position.y) } };
}

function updateNode(doc: GraphDoc, id: string, f: (n: GraphNode) => GraphNode): GraphDoc {
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === id ? f(n) : n)) };
}

export function createDocumentSlice(set: SetState, get: GetState, registry: NodeRegistry, doc: GraphDoc): DocumentSlice {
  /** Applies a connect result in the same step as any other change, reusing its analysis. */
  const commitConnect = (result: ConnectResult, extra: Partial<ReturnType<GetState>> = {}) => {
    if (!result.ok) return;
    const s = get();
    set({ doc: result.doc, ...derive(result.doc, registry, s, s.assets, result.analysis ?? undefined), ...extra });
  };

  return {
    registry,
    doc,
    fileName: null,

    replaceDocument(next, fileName = null) {
      get().cancelDrag();
      // Loaded asset bytes belong to the folder the old document came from.
      const assets = get().assets.size ? { assets: NO_ASSETS, assetLookup: lookupFor(NO_ASSETS) } : {};
      set({ doc: next, fileName, selectedNodes: new Set(), selectedEdges: new Set(), ...assets });
      // Results belong to the graph that made them; the inputs chosen stay for the next one.
      get().resetRun();
      get().resetTrain();
    },

    addNode(type, position) {
      const s = get();
      const node = newNode(registry, s.doc, type, position);
      set({ doc: { ...s.doc, nodes: [...s.doc.nodes, node] }, selectedNodes: new Set([node.id]), selectedEdges: new Set() });
      return node.id;
    },

    addAndConnect(type, position, link, port) {
      const s = get();
      const node = newNode(registry, s.doc, type, position);
      const withNode: GraphDoc = { ...s.doc, nodes: [...s.doc.nodes, node] };
      const edge: GraphEdge =
        link.side === 'source' ? { from: [link.node, link.port], to: [node.id, port] } : { from: [node.id, port], to: [link.node, link.port] };
      const result = tryConnect(withNode, registry, edge, { asset: s.assetLookup });
      const selection = { selectedNodes: new Set([node.id]), selectedEdges: new Set<string>() };
      if (result.ok) commitConnect(result, selection);
      else set({ doc: withNode, ...selection });
      return { id: node.id, result };
    },

    connect(edge) {
      const s = get();
      const result = tryConnect(s.doc, registry, edge, { analysis: s.analysis, asset: s.assetLookup });
      if (result.ok && result.doc !== get().doc) commitConnect(result);
      return result;
    },

    removeElements(nodeIds, edgeIds = []) {
      const s = get();
      const nodes = new Set(nodeIds);
      const edges = new Set([...edgeIds].map((id) => s.edgeIndex.get(id)).filter((e) => e !== undefined));
      if (!nodes.size && !edges.size) return;
      set({
        doc: {
          ...s.doc,
          nodes: s.doc.nodes.filter((n) => !nodes.has(n.id)),
          edges: s.doc.edges.filter((e) => !edges.has(e) && !nodes.has(e.from[0]) && !nodes.has(e.to[0])),
        },
        selectedNodes: new Set(),
        selectedEdges: new Set(),
      });
    },

    deleteSelection() {
      const s = get();
      s.removeElements(s.selectedNodes, s.selectedEdges);
    },

    setParam(nodeId, name, value) {
      const s = get();
      const node = s.nodeIndex.get(nodeId);
      if (!node || Object.is(node.params[name], value)) return;
      set({ doc: updateNode(s.doc, nodeId, (n) => ({ ...n, params: { ...n.params, [name]: value } })) });
    },

    setLabel(nodeId, label) {
      const s = get();
      const node = s.nodeIndex.get(nodeId);
      const next = label.trim() || undefined;
      if (!node || node.label === next) return;
      set({
        doc: updateNode(s.doc, nodeId, (n) => {
          const { label: _old, ...rest } = n;
          return next === undefined ? rest : { ...rest, label: next };
        }),
      });
    },

    setCollapsed(nodeId, collapsed) {
      const s = get();
      const node = s.nodeIndex.get(nodeId);
      if (!node || !!node.ui?.collapsed === collapsed) return;
      set({
        doc: updateNode(s.doc, nodeId, (n) => {
          const { collapsed: _old, ...ui } = n.ui ?? {};
          return { ...n, ui: collapsed ? { ...ui, collapsed: true } : ui };
        }),
      });
    },

    setMeta(patch) {
      const s = get();
      const meta = { ...s.doc.meta, ...patch };
      if (meta.title === s.doc.meta.title && meta.description === s.doc.meta.description) return;
      set({ doc: { ...s.doc, meta } });
    },

    moveNodes(positions) {
      const s = get();
      let moved = false;
      const nodes = s.doc.nodes.map((n) => {
        const p = positions[n.id];
        if (!p) return n;
        const x = Math.round(p.x);
        const y = Math.round(p.y);
        if (n.ui?.x === x && n.ui?.y === y) return n;
        moved = true;
        return { ...n, ui: { ...n.ui, x, y } };
      });
      if (moved) set({ doc: { ...s.doc, nodes } });
    },

    copySelection() {
      const s = get();
      if (!s.selectedNodes.size) return null;
      return serializeGraph(subgraph(s.doc, s.selectedNodes));
    },

    pasteText(text, at) {
      const s = get();
      const { nodes, edges } = preparePaste(text, new Set(s.nodeIndex.keys()), at);
      set({
        doc: { ...s.doc, nodes: [...s.doc.nodes, ...nodes], edges: [...s.doc.edges, ...edges] },
        selectedNodes: new Set(nodes.map((n) => n.id)),
        selectedEdges: new Set(),
      });
      return nodes.map((n) => n.id);
    },
  };
}
