import { ModalflowError } from '@modalflow/core';
import type { GenerateStage, HostStage, OnnxStage, Plan, Stage } from '@modalflow/compiler';

/**
 * A plan's stages as another engine sees them: its ONNX stages, the host steps before every
 * ONNX stage (tokenisers, image preprocessing: their results become inputs the caller sends)
 * and those after (label lookup: left to the caller). A host step between ONNX stages cannot
 * be left to the caller, so it is refused. A decoding loop is refused unless the caller takes
 * it (`loop`: the PyTorch module exports its step model), and always when its decoder is imported.
 */
export function splitHostSteps(
  plan: Plan,
  engine: string,
  options: { loop?: boolean } = {},
): { onnx: OnnxStage[]; before: HostStage[]; after: HostStage[]; loop?: GenerateStage } {
  const onnx = plan.stages.filter((s): s is OnnxStage => s.kind === 'onnx');
  const loop = plan.stages.find((s): s is GenerateStage => s.kind === 'generate');
  if (loop && (!options.loop || loop.external)) {
    throw new ModalflowError(
      'MF_EXPORT_GENERATE',
      `node "${loop.nodes[0]}" runs a decoding loop token by token, which ${engine} is not given; export the graph without its generate node and run the loop in ModalFlow`,
      { node: loop.nodes[0]! },
    );
  }
  const producedBy = new Map<string, Stage>();
  for (const s of plan.stages) for (const b of s.outputs) producedBy.set(b.tensor, s);
  const upstream = (s: Stage, seen = new Set<Stage>()): Set<Stage> => {
    for (const b of s.inputs) {
      const p = producedBy.get(b.tensor);
      if (p && !seen.has(p)) {
        seen.add(p);
        upstream(p, seen);
      }
    }
    return seen;
  };
  const before: HostStage[] = [];
  const after: HostStage[] = [];
  for (const h of plan.stages.filter((s): s is HostStage => s.kind === 'host')) {
    if (![...upstream(h)].some((s) => s.kind === 'onnx')) before.push(h);
    else if (!onnx.some((o) => upstream(o).has(h))) after.push(h);
    else {
      throw new ModalflowError(
        'MF_EXPORT_HOST_STEP',
        `host step "${h.step}" (node "${h.nodes[0]}") sits between ONNX stages; ${engine} cannot run it, so the graph cannot be exported`,
        { node: h.nodes[0]! },
      );
    }
  }
  if (!onnx.length) throw new ModalflowError('MF_EXPORT_EMPTY', 'the graph has no ONNX stage to export', {});
  return { onnx, before, after, ...(loop ? { loop } : {}) };
}

/** Tensors produced by one stage and read by another, with who produces each. */
export function producers(plan: Plan): Map<string, Stage> {
  const out = new Map<string, Stage>();
  for (const s of plan.stages) for (const b of s.outputs) out.set(b.tensor, s);
  return out;
}
