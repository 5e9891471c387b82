import type { OnnxGraph } from '@modalflow/onnx';
import { ADAMW_DEFAULTS, type OptimizerConfig } from './config.ts';

export interface ParamSlot {
  /** Graph weight name, `<nodeId>.<weight>`. */
  name: string;
  /** Value names of the parameter and its gradient in the step graph. */
  value: string;
  grad: string;
  dims: number[];
}

export interface StateSlot {
  /** Checkpoint name, `optimizer.<weight>.<buffer>` (PyTorch's state names). */
  name: string;
  param: string;
  dims: number[];
}

/** Names of the optimiser state each parameter carries. */
export function stateNames(config: OptimizerConfig, param: string): string[] {
  if (config.kind === 'adamw') return [`optimizer.${param}.exp_avg`, `optimizer.${param}.exp_avg_sq`];
  return (config.momentum ?? 0) > 0 ? [`optimizer.${param}.momentum_buffer`] : [];
}

/**
 * Emits one optimiser update per parameter and returns the new parameter and state values.
 * Follows torch.optim (1.13, single-tensor path) exactly, so a step here equals PyTorch's:
 *   SGD:   d = g + wd p;  b = m b + d (b = d on step 1, as a zero buffer gives);  p -= lr (nesterov ? d + m b : b)
 *   AdamW: p *= 1 - lr wd;  m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
 *          p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * `state(param, name)` gives the value name of a state input.
 */
export function emitUpdates(
  g: OnnxGraph,
  config: OptimizerConfig,
  params: ParamSlot[],
  lr: string,
  step: string,
  state: (name: string) => string,
): { params: Map<string, string>; state: Map<string, string> } {
  const newParams = new Map<string, string>();
  const newState = new Map<string, string>();
  const c = (x: number) => g.scalarFloat(x);
  if (config.kind === 'sgd') {
    const m = config.momentum ?? 0;
    const wd = config.weightDecay ?? 0;
    for (const p of params) {
      g.scope(`update.${p.name}`, () => {
        let d = p.grad;
        if (wd) d = g.op('Add', [d, g.op('Mul', [p.value, c(wd)])]);
        if (m > 0) {
          const name = stateNames(config, p.name)[0]!;
          const buf = g.op('Add', [g.op('Mul', [state(name), c(m)]), d]);
          newState.set(name, buf);
          d = config.nesterov ? g.op('Add', [d, g.op('Mul', [buf, c(m)])]) : buf;
        }
        newParams.set(p.name, g.op('Sub', [p.value, g.op('Mul', [d, lr])]));
      });
    }
    return { params: newParams, state: newState };
  }
  const b1 = config.beta1 ?? ADAMW_DEFAULTS.beta1;
  const b2 = config.beta2 ?? ADAMW_DEFAULTS.beta2;
  const eps = config.eps ?? ADAMW_DEFAULTS.eps;
  const wd = config.weightDecay ?? ADAMW_DEFAULTS.weightDecay;
  const bc1 = g.op('Sub', [c(1), g.op('Pow', [c(b1), step])]);
  const bc2sqrt = g.op('Sqrt', [g.op('Sub', [c(1), g.op('Pow', [c(b2), step])])]);
  const stepSize = g.op('Div', [lr, bc1]);
  const decay = g.op('Sub', [c(1), g.op('Mul', [lr, c(wd)])]);
  for (const p of params) {
    g.scope(`update.${p.name}`, () => {
      const [mName, vName] = stateNames(config, p.name) as [string, string];
      const decayed = wd ? g.op('Mul', [p.value, decay]) : p.value;
      const m = g.op('Add', [g.op('Mul', [state(mName), c(b1)]), g.op('Mul', [p.grad, c(1 - b1)])]);
      const v = g.op('Add', [g.op('Mul', [state(vName), c(b2)]), g.op('Mul', [g.op('Mul', [p.grad, p.grad]), c(1 - b2)])]);
      const denom = g.op('Add', [g.op('Div', [g.op('Sqrt', [v]), bc2sqrt]), c(eps)]);
      newParams.set(p.name, g.op('Sub', [decayed, g.op('Mul', [g.op('Div', [m, denom]), stepSize])]));
      newState.set(mName, m);
      newState.set(vName, v);
    });
  }
  return { params: newParams, state: newState };
}

/**
 * Scales gradients to a global L2 norm of at most `maxNorm`, as clip_grad_norm_ does:
 *   n = sqrt(sum_p sum(g_p^2)),  g_p *= min(1, maxNorm / (n + 1e-6)).
 * Returns the scaled gradients and the norm before clipping (a metric worth watching).
 */
export function clipByGlobalNorm(g: OnnxGraph, grads: string[], maxNorm: number | undefined): { grads: string[]; norm: string } {
  const squares = grads.map((gv) => g.op('ReduceSum', [g.op('Mul', [gv, gv])], { keepdims: { kind: 'int', value: 0 } }));
  const total = squares.length === 1 ? squares[0]! : g.op('Sum', squares);
  const norm = g.op('Sqrt', [total], {}, { name: 'grad_norm' });
  if (maxNorm === undefined) return { grads, norm };
  const coef = g.op('Min', [g.scalarFloat(1), g.op('Div', [g.scalarFloat(maxNorm), g.op('Add', [norm, g.scalarFloat(1e-6)])])]);
  return { grads: grads.map((gv) => g.op('Mul', [gv, coef])), norm };
}
