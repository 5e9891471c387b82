import { parseGraph, type NodeRegistry } from '@modalflow/core';
import { prepareTraining, type TrainConfig } from '@modalflow/compiler';

/** The training settings both sides use: AdamW or SGD-momentum with clipping and warm-up. */
export function trainConfig(optimizer: 'adamw' | 'sgd'): TrainConfig {
  return {
    optimizer: optimizer === 'adamw' ? { kind: 'adamw', lr: 1e-3, weightDecay: 0.01 } : { kind: 'sgd', lr: 0.05, momentum: 0.9, weightDecay: 1e-4 },
    clipNorm: 1,
    schedule: { warmupSteps: 5 },
  };
}

export function setupFor(graph: string, registry: NodeRegistry, optimizer: 'adamw' | 'sgd') {
  return prepareTraining(parseGraph(graph), registry, { train: trainConfig(optimizer) });
}
