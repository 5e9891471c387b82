import { defineNode, tensor } from '@modalflow/core';

/** Raw strings, one per example: string [B]. Tokenizer nodes turn them into ids. */
export default defineNode({
  type: 'input.text',
  version: 1,
  category: 'inputs',
  title: 'Text input',
  doc: 'Text given at run time: one sentence (caption, question) per example, as a list of strings of length B. Models cannot read letters directly, so connect it to a tokenizer, which turns each sentence into a row of token ids.',
  formula: 's \\in \\Sigma^{*\\,B}',
  source: 'Raw strings, as passed to a Hugging Face tokenizer',
  role: 'input',
  inputKind: 'text',
  inputs: {},
  outputs: { text: tensor('string', ['B'], { description: 'One string per example, string [B]' }) },
});
