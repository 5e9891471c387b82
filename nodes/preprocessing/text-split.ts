import { ModalflowError, NodeError, bool, defineNode, string, tensor, type Tensor } from '@modalflow/core';

const PLACEHOLDER = '{}';

type Params = { separator: string; template: string; trim: boolean };

function checkParams(p: Params): NodeError | undefined {
  if (p.separator === '') return new NodeError('separator must not be empty', { param: 'separator', code: 'MF_PARAM_RANGE' });
  if (!p.template.includes(PLACEHOLDER)) {
    // Without the placeholder every label would become the same prompt.
    return new NodeError(`template "${p.template}" has no ${PLACEHOLDER} to put the label in (e.g. "a photo of ${PLACEHOLDER}")`, { param: 'template', code: 'MF_PARAM_RANGE' });
  }
  return undefined;
}

/** The pieces of every string, in order, and each piece put into the template. */
export function splitLabels(texts: readonly string[], p: Params): { labels: string[]; prompts: string[] } {
  const labels: string[] = [];
  for (const text of texts) {
    for (const raw of text.split(p.separator)) {
      const piece = p.trim ? raw.trim() : raw;
      if (piece !== '') labels.push(piece);
    }
  }
  // split/join rather than replaceAll: a label holding "$&" must stay as written.
  const prompts = labels.map((l) => p.template.split(PLACEHOLDER).join(l));
  return { labels, prompts };
}

/**
 * Splits strings at a separator into a list of labels, as zero-shot classification takes
 * them ("a cat, a dog" -> ["a cat", "a dog"]), and writes each into a prompt template
 * (CLIP's "a photo of {}"). Every input string contributes its pieces in order, so
 * ["a cat,a dog", "a bird"] gives three labels; empty pieces are dropped.
 */
export default defineNode({
  type: 'text.split',
  version: 1,
  category: 'preprocessing',
  title: 'Split into labels',
  views: { splitsLabels: 'text' },
  doc: 'Turns a comma-separated list such as "a cat, a dog, a car" into separate labels, one per class, and also writes each label into a sentence with `template` ("a photo of {}" gives "a photo of a cat"). CLIP was trained on captions, so a label inside such a sentence usually classifies better than the bare word. `labels` keeps the names to show; `prompts` go to the tokenizer. The number of labels K is only known when the graph runs.',
  formula: '(\\ell_1, \\dots, \\ell_K) = \\mathrm{split}(s, \\mathrm{sep}),\\quad p_k = \\mathrm{template}(\\ell_k)',
  source: 'Radford et al. 2021, section 3.1.4 (prompt engineering: "A photo of a {label}.")',
  inputs: { text: tensor('string', ['N'], { description: 'One or more strings of separated labels, string [N]' }) },
  outputs: {
    labels: tensor('string', ['K'], { description: 'The labels, trimmed, string [K]' }),
    prompts: tensor('string', ['K'], { description: 'Each label in the template, string [K]' }),
  },
  params: {
    separator: string({ default: ',', description: 'Text between two labels' }),
    template: string({ default: PLACEHOLDER, description: 'Sentence each label is put in at {} (e.g. "a photo of {}"); "{}" alone keeps the label as it is' }),
    trim: bool({ default: true, description: 'Remove spaces around each label' }),
  },
  infer: ({ node, params }) => {
    const bad = checkParams(params);
    if (bad) throw bad;
    // The count is data, so it gets a size of this node's own.
    const k = `K_${node}`;
    return { labels: [k], prompts: [k] };
  },
  host: (inputs, { node, params }) => {
    const text = inputs['text'];
    if (!text || text.dtype !== 'string' || text.dims.length !== 1) {
      throw new ModalflowError('MF_HOST_INPUT', `input "text" must be a string tensor [N], got ${text ? `${text.dtype} [${text.dims.join(', ')}]` : 'nothing'}`, { node, port: 'text' });
    }
    const bad = checkParams(params);
    if (bad) throw new ModalflowError('MF_PARAM_RANGE', bad.message, { node, param: bad.param });
    const { labels, prompts } = splitLabels(text.data as string[], params);
    if (labels.length === 0) {
      throw new ModalflowError('MF_HOST_INPUT', `no labels in ${JSON.stringify((text.data as string[]).join(' '))}: give them separated by "${params.separator}", e.g. "a cat${params.separator}a dog"`, { node, port: 'text' });
    }
    return {
      labels: { dtype: 'string', dims: [labels.length], data: labels } satisfies Tensor,
      prompts: { dtype: 'string', dims: [prompts.length], data: prompts } satisfies Tensor,
    };
  },
});
