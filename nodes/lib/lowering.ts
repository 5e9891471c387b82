import type { OnnxGraph } from '@modalflow/onnx';

// Core declares an empty LoweringGraph because it sits below the onnx package; merging
// OnnxGraph into it here gives every node file that imports this module a typed `ctx.g`.
declare module '@modalflow/core' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface LoweringGraph extends OnnxGraph {}
}

export type { OnnxGraph };
