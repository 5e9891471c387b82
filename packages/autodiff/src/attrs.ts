import type { Tensor } from '@modalflow/core';
import type { Attr, OnnxNode } from '@modalflow/onnx';
import { irError } from './errors.ts';

/** Typed reads of a node's attributes, with the defaults the ONNX spec gives. */
export class Attrs {
  constructor(private readonly node: OnnxNode) {}

  private get(name: string, kind: Attr['kind']): Attr | undefined {
    const a = this.node.attrs[name];
    if (a === undefined) return undefined;
    if (a.kind !== kind) {
      throw irError('MF_IR_BAD_ATTRIBUTE', this.node, `attribute "${name}" must be ${kind}, got ${a.kind}`);
    }
    return a;
  }

  has(name: string): boolean {
    return this.node.attrs[name] !== undefined;
  }

  int(name: string, fallback?: number): number {
    const a = this.get(name, 'int');
    if (a) return Number(a.value);
    if (fallback === undefined) throw irError('MF_IR_BAD_ATTRIBUTE', this.node, `attribute "${name}" is required`);
    return fallback;
  }

  float(name: string, fallback?: number): number {
    const a = this.get(name, 'float');
    if (a) return a.value as number;
    if (fallback === undefined) throw irError('MF_IR_BAD_ATTRIBUTE', this.node, `attribute "${name}" is required`);
    return fallback;
  }

  ints(name: string, fallback?: number[]): number[] {
    const a = this.get(name, 'ints');
    if (a) return (a.value as (number | bigint)[]).map(Number);
    if (fallback === undefined) throw irError('MF_IR_BAD_ATTRIBUTE', this.node, `attribute "${name}" is required`);
    return fallback;
  }

  optionalInts(name: string): number[] | undefined {
    const a = this.get(name, 'ints');
    return a ? (a.value as (number | bigint)[]).map(Number) : undefined;
  }

  string(name: string, fallback?: string): string {
    const a = this.get(name, 'string');
    if (a) return a.value as string;
    if (fallback === undefined) throw irError('MF_IR_BAD_ATTRIBUTE', this.node, `attribute "${name}" is required`);
    return fallback;
  }

  tensor(name: string): Tensor | undefined {
    const a = this.get(name, 'tensor');
    return a ? (a.value as Tensor) : undefined;
  }
}
