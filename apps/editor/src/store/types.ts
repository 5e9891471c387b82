import type { Analysis, BlockDoc, AssetData, AssetLookup, GraphDoc, GraphEdge, GraphNode, NodeRegistry, PortSpec, Problem } from '@modalflow/core';
import type { ConnectResult } from '@modalflow/document-ops';
import type { RunSlice } from './runSlice.ts';
import type { TrainSlice } from './trainSlice.ts';

export interface XY {
  x: number;
  y: number;
}

export interface Size {
  width: number;
  height: number;
}

/** The end of a wire that was dropped on empty canvas. */
export interface WireEnd {
  node: string;
  port: string;
  /** `source`: the wire starts at an output port; `target`: at an input port. */
  side: 'source' | 'target';
}

export interface PortView {
  name: string;
  spec: PortSpec;
  shape: string | null;
  dtype: string | null;
  /** core's `portKind` of the value actually flowing, or of the template while unknown. */
  kind: string;
  problem: string | null;
  /**
   * The node does not have this port as analysed (its ports come from a file not loaded, or the
   * document names a port the type lacks); shown so the edge using it stays visible.
   */
  unknown?: boolean;
}

/** What a node shows from the analysis; the object is reused while its content is unchanged. */
export interface NodeView {
  ok: boolean;
  paramCount: number;
  flops: number;
  problems: readonly Problem[];
  /** The node's ports as analysed (a definition's `ports()` can depend on params and assets). */
  inputs: readonly PortView[];
  outputs: readonly PortView[];
}

export interface EdgeView {
  shape: string | null;
  dtype: string | null;
  kind: string;
  problem: Problem | null;
}

/** Everything computed from the document; recomputed whenever `doc` changes, undo included. */
export interface AnalysisSlice {
  analyzedDoc: GraphDoc;
  analyzedAssets: ReadonlyMap<string, AssetData>;
  analyzedScope: string | null;
  analyzedLibraries: ReadonlyMap<string, string>;
  /** The whole document, blocks inlined. */
  analysis: Analysis;
  /** The graph on screen: the document, or the inside of the open block. */
  view: GraphDoc;
  /** `analysis` as the view's nodes see it (inner nodes show the first instance). */
  viewAnalysis: Analysis;
  /** Node types the view can show: the library, the document's blocks, an open block's boundary. */
  types: NodeRegistry;
  /** Nodes of `view` by id. */
  nodeIndex: ReadonlyMap<string, GraphNode>;
  /** Parallel to `view.edges`. */
  edgeIds: readonly string[];
  edgeIndex: ReadonlyMap<string, GraphEdge>;
  nodeViews: ReadonlyMap<string, NodeView>;
  edgeViews: ReadonlyMap<string, EdgeView>;
}

export interface DocumentSlice {
  registry: NodeRegistry;
  doc: GraphDoc;
  /** Name the document was opened from or saved as: the file Save writes. Part of history, so undo brings the name back with the graph. */
  fileName: string | null;
  /**
   * Which opened document this is: a new number each time a document replaces the canvas. Part
   * of history, so a save names every undo step of the same document and no other.
   */
  origin: number;
  /** Where an example came from (`examples/clip/tiny.json`): what the command line should name. Not a save target. */
  source: string | null;
  replaceDocument(doc: GraphDoc, fileName?: string | null, source?: string | null): void;
  /**
   * Nodes left feeding nothing when a new wire replaced theirs into an input, and the nodes that
   * fed only them: shown marked until they are wired again or deleted. Not part of history.
   */
  orphans: ReadonlySet<string>;
  addNode(type: string, position: XY): string;
  /** Adds a node and wires it to `link` in one undoable step. */
  addAndConnect(type: string, position: XY, link: WireEnd, port: string): { id: string; result: ConnectResult };
  connect(edge: GraphEdge): ConnectResult;
  removeElements(nodeIds: Iterable<string>, edgeIds?: Iterable<string>): void;
  deleteSelection(): void;
  setParam(nodeId: string, name: string, value: unknown): void;
  setLabel(nodeId: string, label: string): void;
  /** Folds a node's params away (the document's `ui.collapsed`). */
  setCollapsed(nodeId: string, collapsed: boolean): void;
  setMeta(patch: { title?: string; description?: string }): void;
  moveNodes(positions: Readonly<Record<string, XY>>): void;
  copySelection(): string | null;
  /** Pastes a clipboard document with fresh ids; throws ModalflowError for text that is not one. */
  pasteText(text: string, at?: XY): string[];
  /** The block whose inside the canvas shows; null for the graph itself. Not part of history. */
  scope: string | null;
  openBlock(name: string | null): void;
  /**
   * Inside an open block: makes an inner param a param of the block, set on each instance
   * (the inner node then reads it through the expression `<name>`).
   */
  exposeParam(nodeId: string, param: string): string | null;
  /** Inside an open block: computes an inner param from the block's params (`dim * 4`); null unbinds. */
  setBind(nodeId: string, param: string, expression: string | null): void;
  /** Removes a block no node uses, in the graph or in another block; false when one does. */
  deleteBlock(name: string): boolean;
  /** Replaces a block definition (every instance follows), as one undo step. */
  replaceBlock(name: string, block: BlockDoc): void;
  /** Replaces the selected nodes by an instance of a new block made of them; returns its name, or why not. */
  makeBlock(name?: string): string | { refused: string };
  /** Library files the document pins, as read by the user (like assets, not part of the document). */
  libraries: ReadonlyMap<string, string>;
  /** Adds a block library file to the document, pinned by its SHA-256. */
  importLibrary(fileName: string, text: string): void;
}

export interface SelectionSlice {
  selectedNodes: ReadonlySet<string>;
  selectedEdges: ReadonlySet<string>;
  setSelected(kind: 'node' | 'edge', id: string, selected: boolean): void;
  select(nodes: Iterable<string>, edges?: Iterable<string>): void;
  selectAll(): void;
  clearSelection(): void;
}

export interface HistorySlice {
  undo(): void;
  redo(): void;
}

/**
 * Positions of nodes being dragged, committed to the document as one step on release. Kept in a
 * store of its own: a drag frame then wakes only the canvas, not every node's subscriptions.
 */
export interface DragState {
  positions: Readonly<Record<string, XY>> | null;
}

/** Transient view state, never part of the document or its history. */
export interface ViewSlice {
  measured: ReadonlyMap<string, Size>;
  dragTo(positions: Readonly<Record<string, XY>>): void;
  endDrag(): void;
  cancelDrag(): void;
  isDragging(): boolean;
  setMeasured(sizes: Readonly<Record<string, Size>>): void;
}

/**
 * Files the document lists under `assets` (imported models, tokenizer files), loaded by the user.
 * They are not part of the document: it names them, the user supplies the bytes.
 */
export interface AssetSlice {
  assets: ReadonlyMap<string, AssetData>;
  assetLookup: AssetLookup;
  /** Matches files to the document's assets by file name and checks recorded hashes. */
  loadAssetFiles(files: readonly { name: string; bytes: Uint8Array }[]): { loaded: string[]; problems: Problem[] };
  /**
   * Binds files to assets by name (a model folder's layout decides which file is which). A
   * recorded hash is checked only with `checkHash`: another precision of a model is another file.
   * `sha256`, when the caller has it (the browser's native digest is much faster), saves hashing again.
   */
  bindAssets(entries: readonly { asset: string; file: string; bytes: Uint8Array; checkHash: boolean; sha256?: string }[]): { loaded: string[]; problems: Problem[] };
}

export type EditorState = DocumentSlice & SelectionSlice & HistorySlice & ViewSlice & AssetSlice & RunSlice & TrainSlice & AnalysisSlice;

export type SetState = (partial: Partial<EditorState> | ((s: EditorState) => Partial<EditorState>)) => void;
export type GetState = () => EditorState;
