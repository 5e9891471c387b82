import { describe, expect, it } from 'vitest';
import { Tensor as OrtTensor } from 'onnxruntime-common';
import type { InferenceSession } from 'onnxruntime-common';
import { ModalflowError, type Tensor } from '@modalflow/core';
import { fromOrtResults, sessionPorts, toOrtFeeds } from '../src/index.ts';

// Stands in for a session of a model y = f(x, mask), x: float32 [B, 4], mask: bool [B].
const session = {
  inputNames: ['x', 'mask'],
  outputNames: ['y'],
  inputMetadata: [
    { name: 'x', isTensor: true, type: 'float32', shape: ['B', 4] },
    { name: 'mask', isTensor: true, type: 'bool', shape: ['B'] },
  ],
} as unknown as InferenceSession;
const ports = sessionPorts(session);
const x: Tensor = { dtype: 'float32', dims: [2, 4], data: new Float32Array(8) };
const mask: Tensor = { dtype: 'bool', dims: [2], data: new Uint8Array([1, 0]) };

/** The problem a ModalflowError carries: its message before the code and location are added. */
function failure(f: () => unknown): { code: string; message: string; at: unknown } {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ModalflowError);
    const [problem] = (e as ModalflowError).problems;
    return problem!;
  }
  throw new Error('expected a failure');
}

describe('feeds checked against the session', () => {
  it('wraps well-formed feeds without copying', () => {
    const feeds = toOrtFeeds(OrtTensor, ports, 'enc', { x, mask }, ['y']);
    expect(Object.keys(feeds)).toEqual(['x', 'mask']);
    expect(feeds.x!.data).toBe(x.data);
    expect(feeds.mask!.type).toBe('bool');
  });

  it('names the port in every refusal', () => {
    const cases: [() => unknown, string, string][] = [
      [() => toOrtFeeds(OrtTensor, ports, 'enc', { x, mask, z: x }, undefined), 'session "enc": unknown input "z"; the model\'s inputs are x, mask', 'z'],
      [() => toOrtFeeds(OrtTensor, ports, 'enc', { x }, undefined), 'session "enc": input "mask" was not fed', 'mask'],
      [() => toOrtFeeds(OrtTensor, ports, 'enc', { x, mask }, ['logits']), 'session "enc": unknown output "logits"; the model\'s outputs are y', 'logits'],
      [
        () => toOrtFeeds(OrtTensor, ports, 'enc', { x: { dtype: 'float32', dims: [2, 3], data: new Float32Array(6) }, mask }, undefined),
        'session "enc": input "x": dimension 1 must be 4 (model shape [B, 4]), got dims [2, 3]',
        'x',
      ],
      [
        () => toOrtFeeds(OrtTensor, ports, 'enc', { x: { dtype: 'float32', dims: [2, 4], data: new Float32Array(7) }, mask }, undefined),
        'session "enc": input "x": dims [2, 4] need 8 values, got 7',
        'x',
      ],
    ];
    for (const [f, message, port] of cases) {
      const e = failure(f);
      expect(e.code).toBe('RUNTIME_RUN_FAILED');
      expect(e.message).toBe(message);
      expect(e.at).toEqual({ port });
    }
  });

  it('applies the postMessage checks only when asked to', () => {
    const feeds = { x: null as unknown as Tensor, mask };
    expect(failure(() => toOrtFeeds(OrtTensor, ports, 'enc', feeds, undefined, { untrusted: true })).message).toBe(
      'session "enc": input "x": not a tensor',
    );
  });

  it('copies the session\'s names so later changes to them do not matter', () => {
    expect(ports.inputNames).not.toBe(session.inputNames);
    expect(ports.inputNames).toEqual(['x', 'mask']);
    expect(ports.outputNames).toEqual(['y']);
  });
});

describe('results', () => {
  it('converts every output, or names the one core cannot carry', () => {
    const y = new OrtTensor('float32', new Float32Array([1, 2]), [2]);
    expect(fromOrtResults('head', { y })).toEqual({ y: { dtype: 'float32', dims: [2], data: y.data } });
    const e = failure(() => fromOrtResults('head', { y, z: new OrtTensor('int16', new Int16Array(1), [1]) }));
    expect(e.code).toBe('RUNTIME_RUN_FAILED');
    expect(e.message).toMatch(/^session "head": output "z": element type int16 has no ModalFlow dtype/);
    expect(e.at).toEqual({ port: 'z' });
  });
});
