/** How weights move: the optimiser, its schedule and clipping, as PyTorch defines them. */
export type OptimizerConfig =
  | { kind: 'sgd'; lr: number; momentum?: number; weightDecay?: number; nesterov?: boolean }
  | { kind: 'adamw'; lr: number; beta1?: number; beta2?: number; eps?: number; weightDecay?: number };

export interface ScheduleConfig {
  /** Steps over which the learning rate rises linearly to its base value. */
  warmupSteps?: number;
  /** 'cosine' decays from the end of warm-up to `minLrRatio` x base at `totalSteps`. */
  decay?: 'none' | 'cosine';
  totalSteps?: number;
  minLrRatio?: number;
}

export interface TrainConfig {
  optimizer: OptimizerConfig;
  schedule?: ScheduleConfig;
  /** Clip gradients to this global L2 norm (torch.nn.utils.clip_grad_norm_). */
  clipNorm?: number;
  /** Objective weights by loss node id; default: the nodes the document marks, else every loss node. */
  objectives?: Record<string, number>;
  /** Weight-name patterns (`*` matches any run of characters) that stay fixed. */
  freeze?: string[];
  /** Weight-name patterns that train even on a node marked not trainable. */
  unfreeze?: string[];
}

export const ADAMW_DEFAULTS = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 } as const;
