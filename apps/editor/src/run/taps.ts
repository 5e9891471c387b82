import type { Analysis } from '@modalflow/core';

/** Output ports that carry attention weights, by the names the node library gives them. */
export const ATTENTION_PORT = /(^|_)(attn|attention|alpha|weights)$/;

/** A shape with a zero-sized dimension holds no values. */
export const isEmpty = (shape: readonly unknown[] | undefined) => !!shape?.includes(0);

const TOPK_TYPES = new Set(['output.topk_labels', 'output.topk_named']);

function ports(analysis: Analysis, test: (node: string, type: string, port: string) => boolean): string[] {
  const out: string[] = [];
  for (const id of analysis.order) {
    const info = analysis.nodes.get(id)!;
    if (!info.ok || info.def.role === 'input') continue;
    for (const port of Object.keys(info.outputs)) {
      // A port known to be empty (cross-attention with nothing to attend to) has nothing to show.
      if (isEmpty(info.outputShapes[port])) continue;
      if (test(id, info.def.type, port)) out.push(`${id}.${port}`);
    }
  }
  return out;
}

export function attentionTaps(analysis: Analysis): string[] {
  return ports(analysis, (_, __, port) => ATTENTION_PORT.test(port));
}

/**
 * Tensors the result views draw beside the graph's outputs: every attention map, the scores and
 * names of top-k nodes, every `probs` port, similarity matrices, and the pixels a patch
 * embedding reads (their size gives the patch grid that attention is laid over).
 */
export function viewTaps(analysis: Analysis): string[] {
  const taps = ports(
    analysis,
    (_, type, port) =>
      ATTENTION_PORT.test(port) ||
      (TOPK_TYPES.has(type) && (port === 'scores' || port === 'labels')) ||
      port === 'probs' ||
      (type === 'head.similarity' && port.startsWith('logits_per_')) ||
      (type === 'preprocess.log_mel' && port === 'mel'),
  );
  for (const id of analysis.order) {
    if (analysis.nodes.get(id)?.def.type !== 'encoder.patch_embed') continue;
    const e = analysis.incoming.get(`${id}.pixels`);
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
