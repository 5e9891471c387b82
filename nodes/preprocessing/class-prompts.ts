import { NodeError, defineNode, string, strings, tensor, type Tensor } from '@modalflow/core';
import { splitLabels } from './text-split.ts';

const PLACEHOLDER = '{}';

/**
 * A fixed list of class names and the prompt made of each: the text side of a zero-shot or
 * prompt-learning classifier whose classes belong to the graph, not to each run's data (a
 * training batch fills the graph's inputs from its rows, so class names cannot come from one).
 */
export default defineNode({
  type: 'text.class_prompts',
  version: 1,
  category: 'preprocessing',
  title: 'Class prompts',
  doc: 'The classes of a classifier that reads its classes as text (CLIP zero-shot, CoOp): `labels` lists them in class order, and each is put into `template` at {} to make its prompt ("a photo of a {}"). With CoOp, write placeholder words where the learned context goes ("a a a a {}"). Unlike "Split into labels", the list is part of the graph, so training and every run see the same classes.',
  formula: 'p_k = \\mathrm{template}(\\ell_k),\\quad k = 1..K',
  source: 'Radford et al. 2021, section 3.1.4 (prompt templates); Zhou et al. 2022 (CoOp)',
  inputs: {},
  outputs: {
    labels: tensor('string', null, { description: 'The class names, string [K]' }),
    prompts: tensor('string', null, { description: 'Each class name in the template, string [K]' }),
  },
  params: {
    labels: strings({ default: ['cat', 'dog'], description: 'The class names, in class order' }),
    template: string({ default: PLACEHOLDER, description: 'Sentence each name is put in at {} ("a photo of a {}"); "{}" alone keeps the name' }),
  },
  infer: ({ params }) => {
    if (params.labels.length === 0) throw new NodeError('give at least one class name', { param: 'labels', code: 'MF_PARAM_RANGE' });
    if (!params.template.includes(PLACEHOLDER)) throw new NodeError(`template "${params.template}" has no ${PLACEHOLDER} to put the class name in`, { param: 'template', code: 'MF_PARAM_RANGE' });
    const k = params.labels.length;
    return { labels: [k], prompts: [k] };
  },
  host: (_inputs, { params }) => {
    const { labels, prompts } = splitLabels([params.labels.join('\u0000')], { separator: '\u0000', template: params.template, trim: true });
    return {
      labels: { dtype: 'string', dims: [labels.length], data: labels } satisfies Tensor,
      prompts: { dtype: 'string', dims: [prompts.length], data: prompts } satisfies Tensor,
    };
  },
});
