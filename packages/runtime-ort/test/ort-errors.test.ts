import { describe, expect, it } from 'vitest';
import { isCpuFallbackRefusal, isModelError, messageOf, nodeFromRunError, portFromRunError } from '../src/index.ts';

describe('onnxruntime error messages', () => {
  it('tells model defects from other failures, in the wording both builds share', () => {
    for (const m of [
      'Failed to load model because protobuf parsing failed.',
      'This is an invalid model. Error in Node:(NoSuchOp) : No Op registered for NoSuchOp with domain_version of 17',
      'Type Error: Type parameter (T) of Optype (Add) bound to different types (tensor(float) and tensor(int64) in node (Add).',
      'Node (MatMul) Op (MatMul) [ShapeInferenceError] Incompatible dimensions for matrix multiplication',
      'ONNX Runtime only *guarantees* support for models stamped with official released onnx opset versions. Opset 99 is under development',
    ]) {
      expect(isModelError(m), m).toBe(true);
    }
    expect(isModelError('no available backend found. ERR: [webgpu] Error: WebGPU is not supported in current environment')).toBe(false);
    expect(isModelError('CUDA failure 100: no CUDA-capable device is detected')).toBe(false);
  });

  it('recognises the refusal to fall back to CPU, which is no model defect', () => {
    const m =
      "Can't create a session. ERROR_CODE: 1, ERROR_MESSAGE: This session contains graph nodes that are assigned to the default CPU EP, but fallback to CPU EP has been explicitly disabled by the user.";
    expect(isCpuFallbackRefusal(m)).toBe(true);
    expect(isModelError(m)).toBe(false);
  });

  it('finds the port or node a run error names', () => {
    expect(portFromRunError('Got invalid dimensions for input: x for the following indices', ['x'], ['y'])).toEqual({ port: 'x', kind: 'input' });
    expect(portFromRunError("input 'x' is missing in 'feeds'.", ['x'], ['y'])).toEqual({ port: 'x', kind: 'input' });
    expect(portFromRunError('invalid output name: y', ['x'], ['y'])).toEqual({ port: 'y', kind: 'output' });
    expect(portFromRunError('invalid output name: z.', [], [])).toEqual({ port: 'z', kind: 'output' });
    expect(portFromRunError("Non-zero status code returned while running Add node. Name:'add'", ['x'], ['y'])).toBeUndefined();
    expect(nodeFromRunError("Non-zero status code returned while running Add node. Name:'add_1' Status Message: ...")).toBe('add_1');
  });

  it('reads the message of anything thrown', () => {
    expect(messageOf(new Error('boom'))).toBe('boom');
    expect(messageOf('plain')).toBe('plain');
  });
});
