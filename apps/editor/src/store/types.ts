import type { Analysis, GraphDoc, GraphEdge, GraphNode, NodeRegistry, Problem } from '@modalflow/core';
import type { ConnectResult } from '../graph/connect.ts';

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
  shape: string | null;
  dtype: string | null;
  problem: string | null;
}

/** What a node shows from the analysis; the object is reused while its content is unchanged. */
export interface NodeView {
  ok: boolean;
  paramCount: number;
  flops: number;
  problems: readonly Problem[];
  inputs: Readonly<Record<string, PortView>>;
  outputs: Readonly<Record<string, PortView>>;
}

export interface EdgeView {
  shape: string | null;
  dtype: string | null;
  problem: Problem | null;
}

/** Everything computed from the document; recomputed whenever `doc` changes, undo included. */
export interface AnalysisSlice {
  analyzedDoc: GraphDoc;
  analysis: Analysis;
  nodeIndex: ReadonlyMap<string, GraphNode>;
  /** Parallel to `doc.edges`. */
  edgeIds: readonly string[];
  edgeIndex: ReadonlyMap<string, GraphEdge>;
  nodeViews: ReadonlyMap<string, NodeView>;
  edgeViews: ReadonlyMap<string, EdgeView>;
}

export interface DocumentSlice {
  registry: NodeRegistry;
  doc: GraphDoc;
  /** Name the document was opened from or saved as. */
  fileName: string | null;
  replaceDocument(doc: GraphDoc, fileName?: string | null): void;
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

/** Transient view state, never part of the document or its history. */
export interface ViewSlice {
  /** Positions of nodes being dragged; committed to the document as one step on release. */
  drag: Readonly<Record<string, XY>> | null;
  measured: ReadonlyMap<string, Size>;
  dragTo(positions: Readonly<Record<string, XY>>): void;
  endDrag(): void;
  setMeasured(sizes: Readonly<Record<string, Size>>): void;
}

export type EditorState = DocumentSlice & SelectionSlice & HistorySlice & ViewSlice & AnalysisSlice;

export type SetState = (partial: Partial<EditorState> | ((s: EditorState) => Partial<EditorState>)) => void;
export type GetState = () => EditorState;
