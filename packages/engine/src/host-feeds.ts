import { ModalflowError, type AnyNodeDef, type Tensor } from '@modalflow/core';
import type { Plan } from '@modalflow/compiler';

/** A node type's `hostFeeds`, with the version it belongs to. */
export interface FeedStep {
  version: number;
  compute: NonNullable<AnyNodeDef['hostFeeds']>;
}

/**
 * Computes the tensors the plan's nodes declared with LowerContext.feed, from the shapes of the
 * caller's inputs, by tensor id (`<nodeId>.#<name>`). Call after `checkInputs`, so every input is
 * present with its rank. Unlike a check, a feed cannot be left out: the stage needs the tensor,
 * so a type this engine does not know (or knows at another version) is an error.
 */
export function computeHostFeeds(plan: Plan, inputs: Record<string, Tensor>, lookup: (type: string) => FeedStep | undefined): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  const feeds = plan.feeds ?? [];
  if (!feeds.length) return out;
  const byTensor = new Map(plan.inputs.map((spec) => [spec.tensor, inputs[spec.name]]));
  for (const feed of feeds) {
    const step = lookup(feed.type);
    if (!step || step.version !== feed.typeVersion) {
      throw new ModalflowError('MF_NO_HOST_FEED', `node "${feed.node}" needs tensors computed by "${feed.type}" version ${feed.typeVersion}, which this engine does not have; give the engine the node registry`, { node: feed.node });
    }
    const shapes: Record<string, readonly number[]> = {};
    for (const [port, tensor] of Object.entries(feed.inputs)) {
      const t = byTensor.get(tensor);
      if (t) shapes[port] = t.dims;
    }
    const computed = step.compute(shapes, { node: feed.node, params: feed.params });
    for (const name of feed.names) {
      const t = computed[name];
      if (!t) throw new ModalflowError('MF_NO_HOST_FEED', `"${feed.type}" computed no "${name}" for node "${feed.node}"`, { node: feed.node });
      out.set(`${feed.node}.#${name}`, t);
    }
  }
  return out;
}
