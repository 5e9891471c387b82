/**
 * What a node's values mean to a viewer, declared with the node type so that tools (the editor's
 * result and training views) draw a new type's outputs without knowing the type by name.
 * Port and param names refer to the node's own ports and params; defineNode checks them.
 */
export interface NodeViews {
  /** Output ports holding class probabilities [B, C] (each row sums to 1), with the classes' names where the type fixes them. */
  probabilities?: Record<string, { classNames?: readonly string[] }>;
  /** A ranked list of answers: the output ports with the scores, labels and class indices [B, k], and the input port the scores arrive on. */
  ranked?: { scores: string; labels: string; indices: string; from: string };
  /** Output ports holding attention weights, the last axis over the keys (each row sums to 1). */
  attention?: readonly string[];
  /** Output ports holding a similarity matrix [rows, cols], and the input ports whose graph inputs label its rows and its columns. */
  similarity?: { outputs: readonly string[]; rows: string; cols: string };
  /** Cuts a picture into patches: the input port reading the pixels [B, C, H, W], the param giving the patch size, and the param saying whether a class token comes first. */
  patches?: { pixels: string; size: string; classToken?: string };
  /** Joins two token sequences into one: the input port whose tokens come first, and the one whose tokens come last. */
  joinsSequences?: { first: string; last: string };
  /** Keeps only the centre of the picture: always (`true`), or when this param is above 0. */
  centreCrop?: true | { param: string };
  /** Splits a text into candidate labels on this input port: a text input wired to it holds labels, not one sentence. */
  splitsLabels?: string;
  /** Output ports holding spectrograms [B, bands, frames], drawn as pictures with time to the right. */
  spectrogram?: readonly string[];
}

/** The names a views declaration refers to that the node does not have, as messages. */
export function viewProblems(views: NodeViews, ports: { inputs: Record<string, unknown>; outputs: Record<string, unknown>; params: Record<string, unknown> }): string[] {
  const out: string[] = [];
  const check = (name: string | undefined, where: Record<string, unknown>, what: string, field: string) => {
    if (name !== undefined && !(name in where)) out.push(`views.${field} names ${what} "${name}", which the node does not have`);
  };
  for (const port of Object.keys(views.probabilities ?? {})) check(port, ports.outputs, 'output port', 'probabilities');
  if (views.ranked) {
    check(views.ranked.scores, ports.outputs, 'output port', 'ranked.scores');
    check(views.ranked.labels, ports.outputs, 'output port', 'ranked.labels');
    check(views.ranked.indices, ports.outputs, 'output port', 'ranked.indices');
    check(views.ranked.from, ports.inputs, 'input port', 'ranked.from');
  }
  for (const port of views.attention ?? []) check(port, ports.outputs, 'output port', 'attention');
  if (views.similarity) {
    for (const port of views.similarity.outputs) check(port, ports.outputs, 'output port', 'similarity.outputs');
    check(views.similarity.rows, ports.inputs, 'input port', 'similarity.rows');
    check(views.similarity.cols, ports.inputs, 'input port', 'similarity.cols');
  }
  if (views.patches) {
    check(views.patches.pixels, ports.inputs, 'input port', 'patches.pixels');
    check(views.patches.size, ports.params, 'param', 'patches.size');
    check(views.patches.classToken, ports.params, 'param', 'patches.classToken');
  }
  if (views.joinsSequences) {
    check(views.joinsSequences.first, ports.inputs, 'input port', 'joinsSequences.first');
    check(views.joinsSequences.last, ports.inputs, 'input port', 'joinsSequences.last');
  }
  if (views.centreCrop && views.centreCrop !== true) check(views.centreCrop.param, ports.params, 'param', 'centreCrop');
  check(views.splitsLabels, ports.inputs, 'input port', 'splitsLabels');
  for (const port of views.spectrogram ?? []) check(port, ports.outputs, 'output port', 'spectrogram');
  return out;
}
