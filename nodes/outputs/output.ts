import { defineNode, tensor } from '@modalflow/core';

/** Marks a tensor as a result of the graph, returned under this node's id. */
export default defineNode({
  type: 'output.tensor',
  version: 1,
  category: 'outputs',
  title: 'Output',
  doc: "A result of the graph. Running the graph returns the connected tensor under this node's id.",
  role: 'output',
  inputs: { value: tensor(['float32', 'int64', 'int32', 'bool', 'uint8', 'string'], null) },
  outputs: {},
});
