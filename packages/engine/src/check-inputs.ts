import { ModalflowError, formatShape, type Problem, type Tensor } from '@modalflow/core';
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
