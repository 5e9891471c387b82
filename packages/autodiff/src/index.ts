export type { ValueType } from './types.ts';
export { isFloat, showShape } from './types.ts';
export { defineOp } from './op.ts';
export type { OpDef, GradContext, InferContext } from './op.ts';
export { inferTypes, inferNode, opDef } from './infer.ts';
export type { TypedGraph } from './infer.ts';
export { addGradients, makeConst } from './gradients.ts';
export { OPS, OP_LIST } from './ops/index.ts';
export { broadcastShapes } from './broadcast.ts';
