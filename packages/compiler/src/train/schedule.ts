import type { OnnxGraph } from '@modalflow/onnx';
import type { ScheduleConfig } from './config.ts';

/**
 * The learning rate for step t (1-based, a float32 scalar input), computed inside the model so
 * the step number is all the host has to send. With s = t - 1 and W warm-up steps:
 *   warm(s) = min(1, (s + 1) / W)
 *   cos(s)  = r + (1 - r) * (1 + cos(pi * clamp((s - W) / (T - W), 0, 1))) / 2   (cosine decay)
 *   lr_t    = lr * warm(s) * cos(s)
 * the same lambda a torch.optim.lr_scheduler.LambdaLR is given in the parity fixtures.
 */
export function learningRate(g: OnnxGraph, step: string, lr: number, schedule: ScheduleConfig = {}): string {
  const s = g.op('Sub', [step, g.scalarFloat(1)]);
  let factor: string | undefined;
  const warm = schedule.warmupSteps ?? 0;
  if (warm > 0) {
    factor = g.op('Min', [g.scalarFloat(1), g.op('Div', [g.op('Add', [s, g.scalarFloat(1)]), g.scalarFloat(warm)])]);
  }
  if (schedule.decay === 'cosine') {
    const total = schedule.totalSteps;
    if (!total || total <= warm) throw new Error('cosine decay needs totalSteps greater than the warm-up steps');
    const r = schedule.minLrRatio ?? 0;
    const progress = g.op('Clip', [g.op('Div', [g.op('Sub', [s, g.scalarFloat(warm)]), g.scalarFloat(total - warm)]), g.scalarFloat(0), g.scalarFloat(1)]);
    const cosine = g.op('Mul', [g.op('Add', [g.op('Cos', [g.op('Mul', [progress, g.scalarFloat(Math.PI)])]), g.scalarFloat(1)]), g.scalarFloat(0.5)]);
    const decay = g.op('Add', [g.scalarFloat(r), g.op('Mul', [cosine, g.scalarFloat(1 - r)])]);
    factor = factor ? g.op('Mul', [factor, decay]) : decay;
  }
  return factor ? g.op('Mul', [factor, g.scalarFloat(lr)]) : g.op('Identity', [g.scalarFloat(lr)]);
}
