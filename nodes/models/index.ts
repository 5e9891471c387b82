import type { AnyNodeDef } from '@modalflow/core';
import onnxModel from './onnx-model.ts';

export const MODEL_NODES: AnyNodeDef[] = [onnxModel];
