// Importing the onnx package merges OnnxGraph into core's LoweringGraph, so every node file
// that imports this sees `ctx.g` fully typed.
export type { OnnxGraph } from '@modalflow/onnx';
