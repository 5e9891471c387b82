import type { Analysis } from '@modalflow/core';
import type { Granularity } from './plan.ts';

export interface Segment {
  /** `model`: a node that runs a model file as it is, alone in its stage. `generate`: a decoding loop, alone too. */
  kind: 'onnx' | 'host' | 'model' | 'generate';
  nodes: string[];
  dependsOn: string[];
}

/**
 * Groups op nodes into stages. Each node is tagged with the graph inputs it depends on; a
 * lowerable node joins a segment of one of its lowerable producers with the same tag, so a
 * dual encoder splits into a text segment, an image segment and a joint one, and changing
 * only the text re-runs only what reads it. A node never joins a segment that one of its
 * other producers waits on (directly or through other stages): that would make stages cyclic.
 */
export function partition(analysis: Analysis, granularity: Granularity): Segment[] {
  const { nodes, order, incoming } = analysis;
  const deps = new Map<string, Set<string>>();
  const segmentOf = new Map<string, number>();
  const segments: Segment[] = [];
  /** Direct stage-level dependencies: stage -> stages it reads from. */
  const stageDeps: Set<number>[] = [];

  const producers = (id: string): string[] => {
    const info = nodes.get(id)!;
    const out: string[] = [];
    for (const port of Object.keys(info.inputs)) {
      const e = incoming.get(`${id}.${port}`);
      if (e) out.push(e.from[0]);
    }
    return out;
  };
  /** Stages that must finish before `id`'s output exists, itself included. */
  const upstreamStages = (id: string): Set<number> => {
    const seen = new Set<number>();
    const start = segmentOf.get(id);
    const stack = start === undefined ? producers(id).flatMap((p) => (segmentOf.has(p) ? [segmentOf.get(p)!] : [])) : [start];
    while (stack.length) {
      const s = stack.pop()!;
      if (seen.has(s)) continue;
      seen.add(s);
      stack.push(...stageDeps[s]!);
    }
    return seen;
  };
  const canJoin = (s: number, preds: string[]) =>
    !preds.some((q) => segmentOf.get(q) !== s && upstreamStages(q).has(s));

  for (const id of order) {
    const info = nodes.get(id)!;
    const preds = producers(id);
    const d = new Set<string>(info.def.role === 'input' ? [id] : []);
    for (const p of preds) for (const x of deps.get(p) ?? []) d.add(x);
    deps.set(id, d);
    if (info.def.role !== 'op') continue;

    const tag = [...d].sort().join(',');
    const lowerable = !!info.def.lower;
    let target: number | undefined;
    if (lowerable && granularity !== 'per-node') {
      const candidates = preds.map((p) => segmentOf.get(p)).filter((s): s is number => s !== undefined);
      if (granularity === 'whole') candidates.push(...segments.keys());
      target = candidates.find(
        (s) =>
          segments[s]!.kind === 'onnx' &&
          (granularity === 'whole' || [...segments[s]!.dependsOn].sort().join(',') === tag) &&
          canJoin(s, preds),
      );
    }
    if (target === undefined) {
      target = segments.length;
      segments.push({ kind: lowerable ? 'onnx' : info.def.generate ? 'generate' : info.def.model ? 'model' : 'host', nodes: [], dependsOn: [] });
      stageDeps.push(new Set());
    }
    const seg = segments[target]!;
    seg.nodes.push(id);
    seg.dependsOn = [...new Set([...seg.dependsOn, ...d])].sort();
    for (const p of preds) {
      for (const s of upstreamStages(p)) if (s !== target) stageDeps[target]!.add(s);
    }
    segmentOf.set(id, target);
  }
  return orderSegments(segments, stageDeps);
}

/** Stage creation order can put a stage before one it reads from; sort them topologically. */
function orderSegments(segments: Segment[], stageDeps: Set<number>[]): Segment[] {
  const done = new Set<number>();
  const out: Segment[] = [];
  const visit = (s: number) => {
    if (done.has(s)) return;
    done.add(s);
    for (const d of [...stageDeps[s]!].sort((a, b) => a - b)) visit(d);
    out.push(segments[s]!);
  };
  segments.forEach((_, s) => visit(s));
  return out;
}
