import { describe, expect, it } from 'vitest';
import { isCpuFallbackRefusal, isModelError, nodeFromRunError, ortMessage, portFromRunError } from './ort-errors.ts';

describe('onnxruntime-web error messages', () => {
  it('tells model defects from other failures', () => {
    expect(isModelError("Can't create a session. ERROR_CODE: 7, ERROR_MESSAGE: Failed to load model because protobuf parsing failed.")).toBe(true);
    expect(isModelError("Can't create a session. ERROR_CODE: 10, ERROR_MESSAGE: This is an invalid model.")).toBe(true);
    expect(isModelError('no available backend found. ERR: [webgpu] Error: WebGPU is not supported in current environment')).toBe(false);
  });

  it('recognises the refusal to fall back to CPU', () => {
    const m =
      "Can't create a session. ERROR_CODE: 1, ERROR_MESSAGE: This session contains graph nodes that are assigned to the default CPU EP, but fallback to CPU EP has been explicitly disabled by the user.";
    expect(isCpuFallbackRefusal(m)).toBe(true);
    expect(isModelError(m)).toBe(false);
  });

  it('strips the wrapper and finds the port or node a run error names', () => {
    expect(ortMessage("Can't create a session. ERROR_CODE: 7, ERROR_MESSAGE: Failed to load model")).toBe('Failed to load model');
    expect(portFromRunError('Got invalid dimensions for input: x for the following indices')).toBe('x');
    expect(nodeFromRunError("Non-zero status code returned while running Add node. Name:'add_1' Status Message: ...")).toBe('add_1');
  });
});
