import { describe, expect, it } from 'vitest';
import { isModelError, ortMessage } from './ort-errors.ts';

describe('onnxruntime-web error messages', () => {
  it('tells model defects from other failures', () => {
    expect(isModelError("Can't create a session. ERROR_CODE: 7, ERROR_MESSAGE: Failed to load model because protobuf parsing failed.")).toBe(true);
    expect(isModelError("Can't create a session. ERROR_CODE: 10, ERROR_MESSAGE: This is an invalid model.")).toBe(true);
    expect(isModelError('no available backend found. ERR: [webgpu] Error: WebGPU is not supported in current environment')).toBe(false);
  });

  it('does not take the refusal to fall back to CPU for a broken model', () => {
    const m =
      "Can't create a session. ERROR_CODE: 1, ERROR_MESSAGE: This session contains graph nodes that are assigned to the default CPU EP, but fallback to CPU EP has been explicitly disabled by the user.";
    expect(isModelError(m)).toBe(false);
  });

  it('strips the wrapper', () => {
    expect(ortMessage("Can't create a session. ERROR_CODE: 7, ERROR_MESSAGE: Failed to load model")).toBe('Failed to load model');
  });
});
