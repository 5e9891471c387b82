import { serializeGraph, sha256Hex, upgradeDocument, type GraphDoc, type GraphEdge, type GraphNode, type NodeRegistry, type ParamSpecs } from '@modalflow/core';
import { writeBlockView } from '../blocks/blockView.ts';
import { makeBlock } from '../blocks/makeBlock.ts';
import { entryFor, splitPreset } from '../palette/presets.ts';
import { NO_LIBRARIES } from './derive.ts';
import { NO_ORPHANS, freshId, orphanedBranch, preparePaste, stillOrphaned, subgraph, tryConnect, type ConnectResult } from '@modalflow/document-ops';
import { derive } from './derive.ts';
import { NO_ASSETS, lookupFor } from './assetSlice.ts';
import type { DocumentSlice, GetState, SetState, XY } from './types.ts';

/** A node of `key`: a type, or `<type>#<preset>` for a type with a preset's params. */
function newNode(registry: NodeRegistry, doc: GraphDoc, key: string, position: XY): GraphNode {
  const def = entryFor(registry, key);
  if (!def) throw new Error(`unknown node type "${key}"`);
  const { type } = splitPreset(key);
  const id = freshId(type, new Set(doc.nodes.map((n) => n.id)));
  // Defaults are written out so a saved graph keeps meaning the same if a default changes later.
  const params = Object.fromEntries(Object.entries(def.params as ParamSpecs).map(([k, s]) => [k, structuredClone(s.default)]));
  const label = splitPreset(key).preset !== undefined ? { label: def.title } : {};
  return { id, type, typeVersion: def.version, params, ...label, ui: { x: Math.round(position.x), y: Math.round(position.y) } };
}

function updateNode(doc: GraphDoc, id: string, f: (n: GraphNode) => GraphNode): GraphDoc {
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === id ? f(n) : n)) };
}

export function createDocumentSlice(set: SetState, get: GetState, registry: NodeRegistry, doc: GraphDoc): DocumentSlice {
  /**
   * Edits work on the graph on screen (`view`); this turns an edited view into the next
   * document: itself, or the document with the open block's definition rewritten, so a change
   * inside a block reaches every instance and is one undo step.
   */
  const docFor = (view: GraphDoc): GraphDoc => {
    const s = get();
    if (!s.scope) return view;
    return writeBlockView(s.doc, s.scope, view);
  };

  /** Applies a connect result in the same step as any other change, reusing its analysis. */
  const commitConnect = (result: ConnectResult, extra: Partial<ReturnType<GetState>> = {}) => {
    if (!result.ok) return;
    const s = get();
    if (s.scope) {
      set({ doc: docFor(result.doc), ...extra });
      return;
    }
    set({ doc: result.doc, ...derive(result.doc, registry, s, s.assets, result.analysis ?? undefined, null, s.libraries), ...extra });
  };

  /** The branch a replaced wire leaves feeding nothing joins the marked ones. */
  const orphansAfter = (result: ConnectResult): { orphans?: ReadonlySet<string> } => {
    if (!result.ok) return {};
    const branch = result.replaced ? orphanedBranch(result.doc, [result.replaced.from[0]]) : NO_ORPHANS;
    const marked = get().orphans;
    if (!branch.size && !marked.size) return {};
    // A new wire can also reconnect a marked branch: it then stops being marked.
    return { orphans: stillOrphaned(result.doc, branch.size ? new Set([...marked, ...branch]) : marked) };
  };

  return {
    registry,
    doc,
    fileName: null,
    origin: 0,
    source: null,
    orphans: NO_ORPHANS,
    scope: null,
    libraries: NO_LIBRARIES,

    replaceDocument(next, fileName = null, source = null) {
      get().cancelDrag();
      // Loaded asset bytes belong to the folder the old document came from.
      const assets = get().assets.size ? { assets: NO_ASSETS, assetLookup: lookupFor(NO_ASSETS) } : {};
      const libraries = get().libraries.size ? { libraries: NO_LIBRARIES } : {};
      // Node types folded into others show as what they are now and params are those of the current
      // type version, so what is edited and saved is current; ids, and so weights, stay.
      set({ doc: upgradeDocument(next, registry), fileName, source, origin: get().origin + 1, orphans: NO_ORPHANS, scope: null, selectedNodes: new Set(), selectedEdges: new Set(), ...assets, ...libraries });
      // Results belong to the graph that made them; the inputs chosen stay for the next one.
      get().resetRun();
      get().resetTrain();
    },

    addNode(type, position) {
      const s = get();
      const node = newNode(s.types, s.view, type, position);
      set({ doc: docFor({ ...s.view, nodes: [...s.view.nodes, node] }), selectedNodes: new Set([node.id]), selectedEdges: new Set() });
      return node.id;
    },

    addAndConnect(type, position, link, port) {
      const s = get();
      const node = newNode(s.types, s.view, type, position);
      const withNode: GraphDoc = { ...s.view, nodes: [...s.view.nodes, node] };
      const edge: GraphEdge =
        link.side === 'source' ? { from: [link.node, link.port], to: [node.id, port] } : { from: [node.id, port], to: [link.node, link.port] };
      const result = tryConnect(withNode, s.types, edge, { asset: s.assetLookup, library: (uri) => s.libraries.get(uri), analyse: !s.scope });
      const selection = { selectedNodes: new Set([node.id]), selectedEdges: new Set<string>() };
      if (result.ok) commitConnect(result, { ...selection, ...orphansAfter(result) });
      else set({ doc: docFor(withNode), ...selection });
      return { id: node.id, result };
    },

    connect(edge) {
      const s = get();
      const result = tryConnect(s.view, s.types, edge, { analysis: s.viewAnalysis, asset: s.assetLookup, library: (uri) => s.libraries.get(uri), analyse: !s.scope });
      if (result.ok && result.doc !== s.view) commitConnect(result, orphansAfter(result));
      return result;
    },

    removeElements(nodeIds, edgeIds = []) {
      const s = get();
      const nodes = new Set(nodeIds);
      const edges = new Set([...edgeIds].map((id) => s.edgeIndex.get(id)).filter((e) => e !== undefined));
      if (!nodes.size && !edges.size) return;
      // The boundary of an open block is not a node to delete.
      nodes.delete('@inputs');
      nodes.delete('@outputs');
      set({
        doc: docFor({
          ...s.view,
          nodes: s.view.nodes.filter((n) => !nodes.has(n.id)),
          edges: s.view.edges.filter((e) => !edges.has(e) && !nodes.has(e.from[0]) && !nodes.has(e.to[0])),
        }),
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
      set({ doc: docFor(updateNode(s.view, nodeId, (n) => ({ ...n, params: { ...n.params, [name]: value } }))) });
    },

    setLabel(nodeId, label) {
      const s = get();
      const node = s.nodeIndex.get(nodeId);
      const next = label.trim() || undefined;
      if (!node || node.label === next) return;
      set({
        doc: docFor(
          updateNode(s.view, nodeId, (n) => {
            const { label: _old, ...rest } = n;
            return next === undefined ? rest : { ...rest, label: next };
          }),
        ),
      });
    },

    setCollapsed(nodeId, collapsed) {
      const s = get();
      const node = s.nodeIndex.get(nodeId);
      if (!node || !!node.ui?.collapsed === collapsed) return;
      set({
        doc: docFor(
          updateNode(s.view, nodeId, (n) => {
            const { collapsed: _old, ...ui } = n.ui ?? {};
            return { ...n, ui: collapsed ? { ...ui, collapsed: true } : ui };
          }),
        ),
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
      const nodes = s.view.nodes.map((n) => {
        const p = positions[n.id];
        if (!p) return n;
        const x = Math.round(p.x);
        const y = Math.round(p.y);
        if (n.ui?.x === x && n.ui?.y === y) return n;
        moved = true;
        return { ...n, ui: { ...n.ui, x, y } };
      });
      if (moved) set({ doc: docFor({ ...s.view, nodes }) });
    },

    copySelection() {
      const s = get();
      if (!s.selectedNodes.size) return null;
      return serializeGraph(subgraph(s.view, s.selectedNodes));
    },

    pasteText(text, at) {
      const s = get();
      const { nodes, edges } = preparePaste(text, new Set(s.nodeIndex.keys()), at);
      set({
        doc: docFor({ ...s.view, nodes: [...s.view.nodes, ...nodes], edges: [...s.view.edges, ...edges] }),
        selectedNodes: new Set(nodes.map((n) => n.id)),
        selectedEdges: new Set(),
      });
      return nodes.map((n) => n.id);
    },

    openBlock(name) {
      const s = get();
      if (name === s.scope || (name !== null && !s.doc.blocks?.[name])) return;
      s.cancelDrag();
      set({ scope: name, selectedNodes: new Set(), selectedEdges: new Set() });
    },

    exposeParam(nodeId, param) {
      const s = get();
      const block = s.scope ? s.doc.blocks?.[s.scope] : undefined;
      const node = block?.nodes.find((n) => n.id === nodeId);
      const spec = node && s.types.get(node.type)?.params[param];
      if (!block || !node || !spec || !['int', 'float', 'bool', 'choice', 'string'].includes(spec.kind)) return null;
      let name = param;
      for (let i = 2; name in block.params && !(node.bind?.[param] === name); i++) name = `${param}_${i}`;
      const { description, ...rest } = spec as Record<string, unknown>;
      const exposed = { ...rest, default: node.params[param] ?? spec.default, ...(description ? { description } : {}) } as never;
      const { [param]: _literal, ...params } = node.params;
      const nodes = block.nodes.map((n) => (n === node ? { ...n, params, bind: { ...n.bind, [param]: name } } : n));
      s.replaceBlock(s.scope!, { ...block, params: { ...block.params, [name]: exposed }, nodes });
      return name;
    },

    setBind(nodeId, param, expression) {
      const s = get();
      const block = s.scope ? s.doc.blocks?.[s.scope] : undefined;
      const node = block?.nodes.find((n) => n.id === nodeId);
      if (!block || !node || (node.bind?.[param] ?? null) === expression) return;
      const { [param]: _old, ...rest } = node.bind ?? {};
      const bind = expression === null ? rest : { ...rest, [param]: expression };
      const next = { ...node, bind } as typeof node;
      if (!Object.keys(bind).length) delete next.bind;
      s.replaceBlock(s.scope!, { ...block, nodes: block.nodes.map((n) => (n === node ? next : n)) });
    },

    deleteBlock(name) {
      const s = get();
      const blocks = s.doc.blocks ?? {};
      if (!blocks[name]) return false;
      const type = `block:${name}`;
      const used = s.doc.nodes.some((n) => n.type === type) || Object.values(blocks).some((b) => b.nodes.some((n) => n.type === type));
      if (used) return false;
      const { [name]: _gone, ...rest } = blocks;
      const { blocks: _all, ...doc } = s.doc;
      set({ doc: Object.keys(rest).length ? { ...doc, blocks: rest } : doc, ...(s.scope === name ? { scope: null } : {}) });
      return true;
    },

    replaceBlock(name, block) {
      const s = get();
      if (!s.doc.blocks?.[name]) return;
      set({ doc: { ...s.doc, blocks: { ...s.doc.blocks, [name]: block } } });
    },

    makeBlock(name) {
      const s = get();
      const made = makeBlock(s.view, s.selectedNodes, s.doc, s.types, name);
      if ('refused' in made) return { refused: made.refused };
      const withBlock: GraphDoc = { ...s.doc, blocks: { ...s.doc.blocks, [made.name]: made.block } };
      const doc = s.scope ? writeBlockView(withBlock, s.scope, made.view) : { ...made.view, blocks: withBlock.blocks };
      set({ doc, selectedNodes: new Set([made.instance]), selectedEdges: new Set() });
      return made.name;
    },

    importLibrary(fileName, text) {
      const s = get();
      const sha256 = sha256Hex(text);
      const listed = s.doc.blockLibraries ?? [];
      const libraries = new Map(s.libraries).set(fileName, text);
      // A library the document already names keeps its pinned hash: a different file is refused by analysis.
      if (listed.some((l) => l.uri === fileName)) set({ libraries });
      else set({ libraries, doc: { ...s.doc, blockLibraries: [...listed, { uri: fileName, sha256 }] } });
    },
  };
}
