// What the Node side and the training page exchange through page.evaluate: JSON-safe values.

export interface TrainRequest {
  example: 'clip' | 'late-fusion';
  graph: string;
  provider: 'wasm' | 'webgpu';
  steps: number;
  batchSize: number;
  seed: number;
  optimizer: 'adamw' | 'sgd';
}

export interface TrainReply {
  losses?: number[];
  /** Every weight after the last step, as plain arrays. */
  weights?: Record<string, number[]>;
  provider?: string;
  error?: string;
  ms: number;
}

export interface TrainPageApi {
  train(req: TrainRequest): Promise<TrainReply>;
}
