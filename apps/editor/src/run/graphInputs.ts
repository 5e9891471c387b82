import type { Analysis, DType, MediaSpec, Shape } from '@modalflow/core';

export type InputKind = 'tensor' | 'text' | 'image' | 'regions' | 'audio' | 'video';

/** A value the graph takes at run time, named as the compiled plan names it. */
export interface GraphInput {
  /** The node id, or `<node>.<port>` for an input node with several ports (region features and boxes). */
  name: string;
  node: string;
  port: string;
  kind: InputKind;
  dtype: DType;
  shape: Shape;
  description: string;
  /** A text input split into candidate labels downstream (zero-shot classification). */
  labels: boolean;
  /** Audio and video inputs: the rate, length and frames a file becomes. */
  media?: MediaSpec;
}

/**
 * The graph's inputs from the editor's analysis, named exactly as compileGraph names the plan's
 * inputs, so the run panel can offer its fields before anything is compiled.
 */
export function graphInputs(analysis: Analysis): GraphInput[] {
  const out: GraphInput[] = [];
  for (const id of analysis.order) {
    const info = analysis.nodes.get(id)!;
    if (info.def.role !== 'input' || !info.ok) continue;
    const ports = Object.keys(info.outputs);
    for (const port of ports) {
      const kind = info.def.inputKind ?? 'tensor';
      // A text wired into a node that splits labels (`views.splitsLabels`) is a list of labels, not one sentence.
      const labels =
        kind === 'text' &&
        analysis.doc.edges.some((e) => e.from[0] === id && e.from[1] === port && analysis.nodes.get(e.to[0])?.def.views?.splitsLabels === e.to[1]);
      out.push({
        name: ports.length === 1 ? id : `${id}.${port}`,
        node: id,
        port,
        kind,
        dtype: info.outputDtypes[port]!,
        shape: info.outputShapes[port]!,
        description: info.outputs[port]!.description || info.def.title,
        labels,
        ...(info.def.media ? { media: info.def.media(info.params) } : {}),
      });
    }
  }
  return out;
}
