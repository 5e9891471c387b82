import { ModalflowError, formatShape, type AnyNodeDef, type Problem, type Tensor } from '@modalflow/core';
import type { Plan } from '@modalflow/compiler';

/** Checks caller-supplied inputs against the plan before anything runs. */
export function checkInputs(plan: Plan, inputs: Record<string, Tensor>): void {
  const problems: Problem[] = [];
  const symbols = new Map<string, { size: number; input: string }>();
  for (const spec of plan.inputs) {
    const t = inputs[spec.name];
    const at = { node: spec.name };
    if (!t) {
      if (spec.optional) continue;
      problems.push({ code: 'MF_INPUT_MISSING', message: `no value given for input "${spec.name}" (${spec.dtype} ${formatShape(spec.shape)})`, at });
      continue;
    }
    if (t.dtype !== spec.dtype) {
      problems.push({ code: 'MF_INPUT_DTYPE', message: `input "${spec.name}" must be ${spec.dtype}, got ${t.dtype}`, at });
      continue;
    }
    if (t.dims.length !== spec.shape.length) {
      problems.push({ code: 'MF_INPUT_SHAPE', message: `input "${spec.name}" must have shape ${formatShape(spec.shape)}, got ${formatShape(t.dims)}`, at });
      continue;
    }
    spec.shape.forEach((d, i) => {
      const got = t.dims[i]!;
      if (typeof d === 'number') {
        if (d !== got) problems.push({ code: 'MF_INPUT_SHAPE', message: `input "${spec.name}" dimension ${i} must be ${d}, got ${got} (shape ${formatShape(t.dims)})`, at });
        return;
      }
      const seen = symbols.get(d);
      if (seen && seen.size !== got) {
        problems.push({ code: 'MF_INPUT_SHAPE', message: `dimension "${d}" is ${seen.size} in input "${seen.input}" but ${got} in input "${spec.name}"`, at });
      } else if (!seen) symbols.set(d, { size: got, input: spec.name });
    });
  }
  for (const name of Object.keys(inputs)) {
    if (!plan.inputs.some((i) => i.name === name)) {
      problems.push({ code: 'MF_INPUT_UNKNOWN', message: `the graph has no input "${name}" (inputs: ${plan.inputs.map((i) => i.name).join(', ') || 'none'})`, at: { node: name } });
    }
  }
  if (problems.length) throw ModalflowError.fromProblems(problems);
}

/** Finds the node type a plan's input check names; undefined when this engine does not know it. */
export type NodeLookup = (type: string) => AnyNodeDef | undefined;

/**
 * Runs the node checks the plan carries (a node's `checkInput`) on the shapes of the caller's
 * inputs, before any stage: an input that would make a stage allocate far more than it was
 * given (a thin picture resized by its shorter side) is refused with the node's code instead of
 * reaching the runtime. Call after `checkInputs`, so every input is present with its rank. A
 * check whose type this engine does not know, or knows at another version (its params may mean
 * something else), is left out: the run then behaves as it did without checks.
 */
export function checkNodeInputs(plan: Plan, inputs: Record<string, Tensor>, lookup: NodeLookup): void {
  const checks = plan.checks ?? [];
  if (!checks.length) return;
  const byTensor = new Map(plan.inputs.map((spec) => [spec.tensor, inputs[spec.name]]));
  const problems: Problem[] = [];
  for (const check of checks) {
    const def = lookup(check.type);
    if (!def?.checkInput || def.version !== check.typeVersion) continue;
    const shapes: Record<string, readonly number[]> = {};
    for (const [port, tensor] of Object.entries(check.inputs)) {
      const t = byTensor.get(tensor);
      if (t) shapes[port] = t.dims;
    }
    // An optional input left out means the node does not run; nothing to check.
    if (Object.keys(shapes).length !== Object.keys(check.inputs).length) continue;
    const refusal = def.checkInput(shapes, { node: check.node, params: check.params });
    if (refusal) problems.push({ code: refusal.code, message: refusal.message, at: { node: check.node, ...(refusal.port ? { port: refusal.port } : {}) } });
  }
  if (problems.length) throw ModalflowError.fromProblems(problems);
}
