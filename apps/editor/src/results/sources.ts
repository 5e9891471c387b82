import type { Analysis, GraphNode } from '@modalflow/core';
import { isAttentionPort, isEmpty } from '../run/taps.ts';
import type { PatchLayout } from './attention.ts';

/** How a result view names a node: its label, else its id. */
export function nodeName(node: GraphNode | undefined, id: string): string {
  return node?.label ?? id;
}

/** Walks upstream from `start` breadth first, calling `visit` with each node reached and the path's state. */
function upstream<S>(analysis: Analysis, start: string, state: S, step: (node: string, port: string, state: S) => S, visit: (node: string, state: S) => boolean | void) {
  const seen = new Set([start]);
  const queue: [string, S][] = [[start, state]];
  while (queue.length) {
    const [id, s] = queue.shift()!;
    const info = analysis.nodes.get(id);
    if (!info) continue;
    for (const port of Object.keys(info.inputs)) {
      const e = analysis.incoming.get(`${id}.${port}`);
      if (!e || seen.has(e.from[0])) continue;
      seen.add(e.from[0]);
      const next = step(id, port, s);
      if (visit(e.from[0], next) === true) return;
      queue.push([e.from[0], next]);
    }
  }
}

/** The graph input feeding `port` of `node`, following the edges upstream (the first one found). */
export function inputUpstream(analysis: Analysis, node: string, port: string, kind?: string): string | undefined {
  const e = analysis.incoming.get(`${node}.${port}`);
  if (!e) return undefined;
  const isWanted = (id: string) => {
    const def = analysis.nodes.get(id)?.def;
    return def?.role === 'input' && (!kind || def.inputKind === kind);
  };
  if (isWanted(e.from[0])) return e.from[0];
  let found: string | undefined;
  upstream(analysis, e.from[0], null, () => null, (id) => {
    if (isWanted(id)) {
      found = id;
      return true;
    }
  });
  return found;
}

export interface PatchSource {
  /** The patch embedding node and the tap holding the pixels it reads ([B, C, H, W]). */
  embed: string;
  pixels: string;
  patch: number;
  classToken: boolean;
  position: PatchLayout['position'];
  /** The image input the pixels come from, when there is one. */
  image?: string;
  /** The preprocessing cut out the centre of the picture, rather than resizing all of it. */
  crop: boolean;
}

/** Whether the node making the pixels keeps only a centre crop of the picture, as its type declares (`views.centreCrop`). */
function cropsCentre(analysis: Analysis, node: string): boolean {
  const info = analysis.nodes.get(node);
  const crop = info?.def.views?.centreCrop;
  if (!crop) return false;
  return crop === true || Number(info.params[crop.param]) > 0;
}

export interface AttentionSource {
  tap: string;
  node: string;
  port: string;
  patch: PatchSource | null;
}

/**
 * Every attention output and, where the keys come from a vision transformer's patches, how to
 * find them: a patch embedding upstream, and whether a sequence join put them first or last.
 */
export function attentionSources(analysis: Analysis): AttentionSource[] {
  const out: AttentionSource[] = [];
  for (const id of analysis.order) {
    const info = analysis.nodes.get(id)!;
    if (!info.ok || info.def.role === 'input') continue;
    for (const port of Object.keys(info.outputs)) {
      if (!isAttentionPort(info.def, port) || isEmpty(info.outputShapes[port])) continue;
      let patch: PatchSource | null = null;
      upstream<PatchLayout['position'] | null>(
        analysis,
        id,
        null,
        (node, inPort, position) => {
          if (position) return position;
          const join = analysis.nodes.get(node)?.def.views?.joinsSequences;
          return join ? (inPort === join.first ? 'start' : 'end') : null;
        },
        (node, position) => {
          const embed = analysis.nodes.get(node);
          const patches = embed?.def.views?.patches;
          if (!embed || !patches) return;
          const e = analysis.incoming.get(`${node}.${patches.pixels}`);
          if (!e) return;
          const image = inputUpstream(analysis, node, patches.pixels, 'image');
          patch = {
            embed: node,
            pixels: `${e.from[0]}.${e.from[1]}`,
            patch: Number(embed.params[patches.size]),
            classToken: patches.classToken === undefined ? false : embed.params[patches.classToken] !== false,
            position: position ?? 'start',
            ...(image ? { image } : {}),
            crop: cropsCentre(analysis, e.from[0]),
          };
          return true;
        },
      );
      out.push({ tap: `${id}.${port}`, node: id, port, patch });
    }
  }
  return out;
}

export type BarSource =
  | { kind: 'topk'; node: string; scores: string; labels: string; indices: string; from?: string }
  | { kind: 'probs'; node: string; tap: string; classNames?: readonly string[]; labelsFrom?: string };

/**
 * Probability views, as node types declare them: every node ranking answers (`views.ranked`),
 * and every probabilities port (`views.probabilities`, with its class names) no ranking reads.
 */
export function barSources(analysis: Analysis): BarSource[] {
  const out: BarSource[] = [];
  const ranked = new Set<string>();
  for (const id of analysis.order) {
    const info = analysis.nodes.get(id)!;
    const r = info.def.views?.ranked;
    if (!info.ok || !r) continue;
    const e = analysis.incoming.get(`${id}.${r.from}`);
    const from = e ? `${e.from[0]}.${e.from[1]}` : undefined;
    if (from) ranked.add(from);
    out.push({ kind: 'topk', node: id, scores: `${id}.${r.scores}`, labels: `${id}.${r.labels}`, indices: `${id}.${r.indices}`, ...(from ? { from } : {}) });
  }
  for (const id of analysis.order) {
    const info = analysis.nodes.get(id)!;
    if (!info.ok) continue;
    for (const [port, spec] of Object.entries(info.def.views?.probabilities ?? {})) {
      if (!info.outputs[port] || ranked.has(`${id}.${port}`)) continue;
      out.push({ kind: 'probs', node: id, tap: `${id}.${port}`, ...(spec.classNames ? { classNames: spec.classNames } : {}) });
    }
  }
  return out;
}

export interface MatrixSource {
  node: string;
  tap: string;
  /** The graph inputs whose examples label the rows and the columns. */
  rows?: string;
  cols?: string;
}

/**
 * Similarity matrices, as node types declare them (`views.similarity`): the first matrix output
 * ([rows, cols], a dual encoder's logits per image), rows and columns traced to their inputs.
 */
export function matrixSources(analysis: Analysis): MatrixSource[] {
  const out: MatrixSource[] = [];
  for (const id of analysis.order) {
    const info = analysis.nodes.get(id)!;
    const sim = info.def.views?.similarity;
    if (!info.ok || !sim?.outputs.length) continue;
    const rows = inputUpstream(analysis, id, sim.rows);
    const cols = inputUpstream(analysis, id, sim.cols);
    out.push({ node: id, tap: `${id}.${sim.outputs[0]}`, ...(rows ? { rows } : {}), ...(cols ? { cols } : {}) });
  }
  return out;
}
