import { defineNode, tensor } from '@modalflow/core';
import { batchDim, batchParam } from './batch.ts';

/**
 * Raw strings, one per example: string [B]. Tokenizer nodes turn them into ids. The batch axis
 * is `B` unless `batch` names another (K label prompts against B images) or fixes a number.
 */
export default defineNode({
  type: 'input.text',
  version: 1,
  category: 'inputs',
  title: 'Text input',
  doc: 'Text given at run time: one sentence (caption, question) per example, as a list of strings of length B. Models cannot read letters directly, so connect it to a tokenizer, which turns each sentence into a row of token ids. Give `batch` a name of its own (for example K) when the texts are not one per image, as the label prompts of zero-shot classification.',
  formula: 's \\in \\Sigma^{*\\,B}',
  source: 'Raw strings, as passed to a Hugging Face tokenizer',
  role: 'input',
  inputKind: 'text',
  inputs: {},
  outputs: { text: tensor('string', ['B'], { description: 'One string per example, string [B]' }) },
  params: { batch: batchParam() },
  infer: ({ params }) => ({ text: [batchDim(params.batch)] }),
});
