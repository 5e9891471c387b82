import { ModalflowError, NodeError, bool, defineNode, int, string, strings, tensor, type Tensor } from '@modalflow/core';
import { checkWordEncoding, encodeWords, type WordEncoding } from '../lib/tokenize.ts';

/** A small vocabulary for teaching graphs about pictures and questions; id = position. */
const DEFAULT_VOCABULARY = [
  '[PAD]', '[UNK]', '[CLS]', '[SEP]',
  'a', 'an', 'the', 'is', 'are', 'of', 'on', 'in', 'with', 'and', 'to', 'at', 'near',
  'what', 'how', 'many', 'which', 'where', 'who', 'does', 'do', 'there', 'this', 'that', 'it', 'yes', 'no',
  'color', 'red', 'blue', 'green', 'yellow', 'white', 'black', 'brown',
  'one', 'two', 'three', 'four', 'small', 'big', 'left', 'right',
  'man', 'woman', 'person', 'people', 'child', 'dog', 'cat', 'bird', 'horse', 'car', 'bus', 'bike',
  'table', 'tree', 'street', 'grass', 'water', 'sky', 'ball', 'photo', 'picture',
  'sitting', 'standing', 'holding', 'playing', 'eating', 'riding', 'running',
  '?', '.', ',', '!', "'", 's',
];

type Params = {
  vocabulary: string[]; lowercase: boolean; max_length: number; add_special_tokens: boolean;
  cls_token: string; sep_token: string; pad_token: string; unk_token: string;
};

function encoding(p: Params): WordEncoding {
  return {
    vocabulary: p.vocabulary, lowercase: p.lowercase, maxLength: p.max_length, addSpecialTokens: p.add_special_tokens,
    clsToken: p.cls_token, sepToken: p.sep_token, padToken: p.pad_token, unkToken: p.unk_token,
  };
}

/**
 * Word-level tokenizer (a host step): BERT's basic tokenizer splitting (whitespace, then each
 * punctuation mark on its own, optional lowercasing with accent stripping; vocabulary entries
 * `[XXX]` / `<...>` found verbatim stay whole, as BERT's never_split), each token looked
 * up in a user vocabulary (unknown -> unk), then [cls] w_1 .. w_n [sep] padded or truncated to
 * max_length. mask_t = 1 for real tokens (specials included), 0 for padding.
 */
export default defineNode({
  type: 'text.tokenize_words',
  version: 1,
  category: 'preprocessing',
  title: 'Word tokenizer',
  doc: 'Turns each sentence into a fixed-length row of token ids, one id per word, for small teaching models. Words are split at spaces, and punctuation marks become tokens of their own ("dog?" gives "dog", "?"), as in BERT\'s basic tokenizer. Each word\'s id is its position in the vocabulary list; words not in the list get the unknown token. Special tokens of the list written like `[MASK]` or `<|endoftext|>` stay whole when they appear in the text exactly so, as in BERT\'s tokenizer. Rows start with the class token, end with the separator, and are padded (or cut) to `max_length`; `mask` is 1 on real tokens and 0 on padding, so later layers can ignore the padding.',
  formula: '\\mathrm{ids} = [\\,\\mathrm{cls},\\ v(w_1), \\dots, v(w_n),\\ \\mathrm{sep},\\ \\mathrm{pad}, \\dots],\\quad m_t = [t < n + 2]',
  source: 'BasicTokenizer of google-research/bert (tokenization.py), as in transformers.BertTokenizer',
  inputs: { text: tensor('string', ['B'], { description: 'One string per example' }) },
  outputs: {
    ids: tensor('int64', ['B', 'max_length'], { description: 'Token ids, int64 [B, max_length]' }),
    mask: tensor('int64', ['B', 'max_length'], { description: '1 for tokens, 0 for padding, int64 [B, max_length]' }),
  },
  params: {
    vocabulary: strings({ default: DEFAULT_VOCABULARY, description: 'Tokens; a token\'s id is its position in this list' }),
    lowercase: bool({ default: true, description: 'Lowercase and strip accents before lookup (BERT uncased)' }),
    max_length: int({ default: 16, min: 1, max: 65536, description: 'Tokens per row, special tokens included (longer text is cut)' }),
    add_special_tokens: bool({ default: true, description: 'Put the class token first and the separator last' }),
    cls_token: string({ default: '[CLS]', description: 'First token (BERT [CLS], CLIP <|startoftext|>); empty for none' }),
    sep_token: string({ default: '[SEP]', description: 'Last token (BERT [SEP], CLIP <|endoftext|>); empty for none' }),
    pad_token: string({ default: '[PAD]', description: 'Token that fills rows up to max_length' }),
    unk_token: string({ default: '[UNK]', description: 'Token for words not in the vocabulary' }),
  },
  infer: ({ inputs, params }) => {
    const problem = checkWordEncoding(encoding(params))[0];
    if (problem) throw new NodeError(problem.message, { param: problem.param });
    const b = inputs['text']![0]!;
    return { ids: [b, params.max_length], mask: [b, params.max_length] };
  },
  host: (inputs, { node, params }) => {
    const text = inputs['text'];
    if (!text || text.dtype !== 'string' || text.dims.length !== 1) {
      throw new ModalflowError('MF_HOST_INPUT', `input "text" must be a string tensor [B], got ${text ? `${text.dtype} [${text.dims.join(', ')}]` : 'nothing'}`, { node, port: 'text' });
    }
    // Analysis reports these on the node; a host step called directly gets the same verdict.
    const problem = checkWordEncoding(encoding(params))[0];
    if (problem) throw new ModalflowError('MF_PARAM_RANGE', problem.message, { node, param: problem.param });
    const enc = encoding(params);
    const rows = text.data as string[];
    const t = params.max_length;
    const ids = new BigInt64Array(rows.length * t);
    const mask = new BigInt64Array(rows.length * t);
    rows.forEach((row, b) => {
      const r = encodeWords(row, enc);
      for (let k = 0; k < t; k++) {
        ids[b * t + k] = BigInt(r.ids[k]!);
        mask[b * t + k] = BigInt(r.mask[k]!);
      }
    });
    const dims = [rows.length, t];
    return { ids: { dtype: 'int64', dims, data: ids } satisfies Tensor, mask: { dtype: 'int64', dims: [...dims], data: mask } satisfies Tensor };
  },
});
