import { ModalflowError } from '@modalflow/core';
import type { OnnxNode } from '@modalflow/onnx';

/**
 * The graph node an ONNX node was lowered from: lowerings run in a scope named after it, so
 * the ONNX node name starts with `<graphNodeId>/`.
 */
export function graphNodeOf(node: OnnxNode): string | undefined {
  const cut = node.name.indexOf('/');
  return cut > 0 ? node.name.slice(0, cut) : undefined;
}

export function irError(code: string, node: OnnxNode, message: string): ModalflowError {
  const owner = graphNodeOf(node);
  return new ModalflowError(code, `${node.opType} "${node.name}": ${message}`, owner ? { node: owner } : {});
}
