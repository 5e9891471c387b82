import { describe, expect, it } from 'vitest';
import { explainCudaError, parseLddMissing } from '../src/providers.ts';
import { isEnvironmentalError, isModelError, portFromRunError } from '../src/ort-errors.ts';

describe('CUDA reasons', () => {
  it('names the CUDA library the provider could not load', async () => {
    const msg =
      'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library\n' +
      '[E:onnxruntime:onnxruntime-node, provider_bridge_ort.cc:2146 Create] Failed to load library ' +
      '/x/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so with error: libcublasLt.so.12: cannot open shared object file: No such file or directory';
    expect(await explainCudaError(msg)).toMatch(
      /^the CUDA provider is installed but cannot load: libcublasLt\.so\.12 not found \(needed by libonnxruntime_providers_cuda\.so\)/,
    );
  });

  it('explains CUDA driver errors', async () => {
    expect(await explainCudaError('CUDA failure 100: no CUDA-capable device is detected ; GPU=0 ; hostname=h')).toMatch(
      /no CUDA-capable GPU is visible \(CUDA error 100/,
    );
    expect(await explainCudaError('CUDA failure 35: CUDA driver version is insufficient for CUDA runtime version ; GPU=0')).toMatch(
      /driver is too old/,
    );
  });

  it('reads missing libraries from ldd output', () => {
    const out = [
      '\tlinux-vdso.so.1 (0x00007ffd)',
      '\tlibcublasLt.so.12 => not found',
      '\tlibcudnn.so.9 => not found',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f)',
    ].join('\n');
    expect(parseLddMissing(out)).toEqual(['libcublasLt.so.12', 'libcudnn.so.9']);
  });
});

describe('ORT error classification', () => {
  it('tells model defects from machine problems', () => {
    for (const m of [
      'Failed to load model because protobuf parsing failed.',
      'This is an invalid model. In Node, ("NoSuchOp", NoSuchOp, "", -1) : ... Error No Op registered for NoSuchOp with domain_version of 17',
      'Type Error: Type parameter (T) of Optype (Add) bound to different types (tensor(float) and tensor(int64) in node (Add).',
      'Node (MatMul) Op (MatMul) [ShapeInferenceError] Incompatible dimensions for matrix multiplication',
      'ONNX Runtime only *guarantees* support for models stamped with official released onnx opset versions. Opset 99 is under development',
    ]) {
      expect(isModelError(m), m).toBe(true);
      expect(isEnvironmentalError(m), m).toBe(false);
    }
    for (const m of [
      'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library',
      'webgpu_context.cc:136 ... Failed to get a WebGPU adapter: No supported adapters',
      'CUDA failure 100: no CUDA-capable device is detected',
    ]) {
      expect(isModelError(m), m).toBe(false);
      expect(isEnvironmentalError(m), m).toBe(true);
    }
  });

  it('finds the port an ORT run error is about', () => {
    expect(portFromRunError('Got invalid dimensions for input: x for the following indices', ['x'], ['y'])).toEqual({ port: 'x', kind: 'input' });
    expect(portFromRunError("input 'x' is missing in 'feeds'.", ['x'], ['y'])).toEqual({ port: 'x', kind: 'input' });
    expect(portFromRunError('Non-zero status code returned while running Add node. Name:\'add\'', ['x'], ['y'])).toBeUndefined();
  });
});
