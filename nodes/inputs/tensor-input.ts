import { NodeError, choice, defineNode, parseShape, string, tensor } from '@modalflow/core';

/**
 * A tensor supplied when the graph runs (features, ids, masks, pixels). Its shape may use
 * names such as `B` for sizes chosen at run time; names unify across the whole graph.
 */
export default defineNode({
  type: 'input.tensor',
  version: 1,
  category: 'inputs',
  title: 'Tensor input',
  doc: 'A tensor given at run time: from the command line (JSON array or .npy), the run panel, or the library API. Sizes written as names (such as `B`) are chosen when the graph runs.',
  role: 'input',
  inputKind: 'tensor',
  inputs: {},
  outputs: { value: tensor(['float32', 'int64', 'int32', 'bool', 'uint8'], null) },
  params: {
    dtype: choice(['float32', 'int64', 'int32', 'bool', 'uint8'], { default: 'float32', description: 'Element type' }),
    shape: string({ default: 'B, 16', description: 'Comma-separated sizes; names such as B are symbolic' }),
  },
  infer: ({ params }) => {
    try {
      return { value: parseShape(params.shape) };
    } catch (e) {
      throw new NodeError(`shape ${JSON.stringify(params.shape)}: ${(e as Error).message}`, { param: 'shape' });
    }
  },
  dtypes: ({ params }) => ({ value: params.dtype }),
});
