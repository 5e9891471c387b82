import type { Analysis, AnyNodeDef } from '@modalflow/core';

/** Whether an output port carries attention weights, as its node type declares (`views.attention`). */
export const isAttentionPort = (def: AnyNodeDef, port: string) => !!def.views?.attention?.includes(port);

/** A shape with a zero-sized dimension holds no values. */
export const isEmpty = (shape: readonly unknown[] | undefined) => !!shape?.includes(0);

function ports(analysis: Analysis, test: (node: string, def: AnyNodeDef, port: string) => boolean): string[] {
  const out: string[] = [];
  for (const id of analysis.order) {
    const info = analysis.nodes.get(id)!;
    if (!info.ok || info.def.role === 'input') continue;
    for (const port of Object.keys(info.outputs)) {
      // A port known to be empty (cross-attention with nothing to attend to) has nothing to show.
      if (isEmpty(info.outputShapes[port])) continue;
      if (test(id, info.def, port)) out.push(`${id}.${port}`);
    }
  }
  return out;
}

export function attentionTaps(analysis: Analysis): string[] {
  return ports(analysis, (_, def, port) => isAttentionPort(def, port));
}

/**
 * Tensors the result views draw beside the graph's outputs, as the node types declare them
 * (`views`): every attention map, the scores and labels of ranked answers, probabilities,
 * similarity matrices, and the pixels a patch embedding reads (their size gives the patch grid
 * that attention is laid over).
 */
export function viewTaps(analysis: Analysis): string[] {
  const taps = ports(analysis, (_, def, port) => {
    const v = def.views;
    if (!v) return false;
    return (
      !!v.attention?.includes(port) ||
      (!!v.ranked && (port === v.ranked.scores || port === v.ranked.labels)) ||
      !!v.probabilities?.[port] ||
      !!v.similarity?.outputs.includes(port) ||
      !!v.spectrogram?.includes(port)
    );
  });
  for (const id of analysis.order) {
    const patches = analysis.nodes.get(id)?.def.views?.patches;
    if (!patches) continue;
    const e = analysis.incoming.get(`${id}.${patches.pixels}`);
    if (e) taps.push(`${e.from[0]}.${e.from[1]}`);
  }
  return taps;
}

/** The taps to compile: the views' plus those asked for (an inspected edge), each an existing output port, sorted. */
export function tapsFor(analysis: Analysis, extra: readonly string[] = []): string[] {
  // Inner nodes of blocks have dotted ids (`layer3.attn`): the port is after the last dot.
  const valid = (tap: string) => {
    const dot = tap.lastIndexOf('.');
    const info = dot > 0 ? analysis.nodes.get(tap.slice(0, dot)) : undefined;
    const port = tap.slice(dot + 1);
    return !!info?.ok && !!port && !!info.outputs[port];
  };
  return [...new Set([...viewTaps(analysis), ...extra])].filter(valid).sort();
}
