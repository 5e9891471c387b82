import {
  ModalflowError, NodeError, asset, bool, choice, defineNode, int, string, tensor,
  type AssetLookup, type Dim, type PortSpec, type Tensor,
} from '@modalflow/core';
import { AssetFileError, ConfigFileError, EncodeError, encodeBatch, loadTokenizer, padId, type HfTokenizer } from '../lib/hf-tokenizer.ts';

const PADDINGS = ['max_length', 'longest'] as const;
/** The max_length param's upper bound, which a config file's model_max_length must respect too. */
const MAX_LENGTH = 1 << 20;

type Params = {
  tokenizer: string; config: string; max_length: number; padding: (typeof PADDINGS)[number];
  truncation: boolean; add_special_tokens: boolean; pad_token: string;
};

const INPUTS = { text: tensor('string', ['B'], { description: 'One string per example' }) };
const outputs = (t: Dim): Record<string, PortSpec> => ({
  ids: tensor('int64', ['B', t], { description: 'Token ids, int64 [B, T]' }),
  attention_mask: tensor('int64', ['B', t], { description: '1 for tokens, 0 for padding, int64 [B, T]' }),
});

type Where = { param: string; code: string; message: string };

/** The tokenizer for these params, or where and why it cannot be had; undefined when not loaded. */
function resolve(params: Params, lookup: AssetLookup): { tok: HfTokenizer; maxLength: number; padId: number | undefined } | Where | undefined {
  if (params.tokenizer === '') return { param: 'tokenizer', code: 'MF_ASSET_MISSING', message: 'no tokenizer: name a tokenizer.json asset' };
  const file = lookup(params.tokenizer);
  const config = params.config === '' ? undefined : lookup(params.config);
  if (!file || (params.config !== '' && !config)) return undefined;
  let tok: HfTokenizer;
  try {
    tok = loadTokenizer(file.bytes, config?.bytes);
  } catch (e) {
    if (!(e instanceof AssetFileError)) throw e;
    const [param, name] = e instanceof ConfigFileError ? ['config', params.config] : ['tokenizer', params.tokenizer];
    return { param, code: 'MF_ASSET_INVALID', message: `asset "${name}" ${e.message}` };
  }
  let maxLength = params.max_length;
  if (maxLength === 0) {
    if (tok.config.modelMaxLength === undefined) {
      return { param: 'max_length', code: 'MF_PARAM_RANGE', message: 'max_length 0 takes model_max_length from tokenizer_config.json, but no config file with one is given' };
    }
    maxLength = tok.config.modelMaxLength;
    if (maxLength > MAX_LENGTH) {
      return { param: 'config', code: 'MF_ASSET_INVALID', message: `asset "${params.config}" has "model_max_length" ${maxLength}, more than the ${MAX_LENGTH} tokens a row may hold; set max_length` };
    }
  }
  const pad = padId(tok, params.pad_token);
  if (params.pad_token !== '' && pad === undefined) {
    return { param: 'pad_token', code: 'MF_PARAM_RANGE', message: `pad_token "${params.pad_token}" is not in the tokenizer's vocabulary` };
  }
  return { tok, maxLength, padId: pad };
}

/**
 * Subword tokenizer (a host step) reading a Hugging Face `tokenizer.json` with
 * @huggingface/tokenizers: normalizer -> pre-tokenizer -> model (BPE, WordPiece, Unigram) ->
 * post-processor, as the Rust `tokenizers` crate runs them. Around that it does what
 * `tokenizer(texts, padding=..., truncation=True, max_length=T)` does in transformers: the
 * text's own tokens are cut to T minus the special tokens (so CLIP rows always end in
 * <|endoftext|>), specials are added, and rows are padded with the pad token;
 * attention_mask_t = 1 on tokens, 0 on padding.
 */
export default defineNode({
  type: 'text.tokenize',
  version: 1,
  category: 'preprocessing',
  title: 'Tokenizer (Hugging Face)',
  doc: 'Turns each sentence into token ids with the tokenizer a pretrained model was trained with, read from its `tokenizer.json` (CLIP\'s byte-level BPE, BERT\'s WordPiece, SentencePiece-style Unigram). Words are split into known pieces ("unaffable" -> "un", "##aff", "##able"), the model\'s special tokens are added (CLIP: <|startoftext|> ... <|endoftext|>, BERT: [CLS] ... [SEP]), and rows are padded to `max_length` (or to the longest row) with the pad token. `attention_mask` is 1 on real tokens and 0 on padding. Give `tokenizer_config.json` too to take the pad token and `model_max_length` from it. Results match transformers\' fast tokenizers.',
  formula: '\\mathrm{ids} = [\\,s_{\\mathrm{pre}},\\ \\mathrm{tok}(x)_{1..T-|s|},\\ s_{\\mathrm{post}},\\ \\mathrm{pad}, \\dots],\\quad m_t = [t < n]',
  source: 'huggingface/tokenizers (tokenizer.json), via @huggingface/tokenizers; padding and truncation as transformers PreTrainedTokenizerFast',
  inputs: INPUTS,
  outputs: outputs('T'),
  params: {
    tokenizer: asset({ default: '', accept: ['tokenizer.json'], description: 'The model\'s tokenizer.json' }),
    config: asset({ default: '', accept: ['tokenizer_config.json'], description: 'Optional tokenizer_config.json (pad token, model_max_length, padding side)' }),
    max_length: int({ default: 77, min: 0, max: MAX_LENGTH, description: 'Tokens per row, special tokens included (CLIP 77); 0 = model_max_length from the config file' }),
    padding: choice(PADDINGS, { default: 'max_length', description: 'Pad every row to max_length, or only to the longest row of the batch' }),
    truncation: bool({ default: true, description: 'Cut texts longer than max_length (the special tokens are kept)' }),
    add_special_tokens: bool({ default: true, description: 'Add the model\'s special tokens (CLIP start/end, BERT [CLS]/[SEP])' }),
    pad_token: string({ default: '', description: 'Token that fills rows; empty = from the files ([PAD], <pad> or <|endoftext|> as a last resort)' }),
  },
  ports: ({ node, params, asset: lookup }) => {
    const r = resolve(params, lookup);
    if (r && 'code' in r) throw new NodeError(r.message, { param: r.param, code: r.code });
    if (r && params.padding === 'max_length' && params.truncation && params.add_special_tokens) {
      const specials = r.tok.prefix.length + r.tok.suffix.length;
      if (r.maxLength < specials) {
        throw new NodeError(`max_length ${r.maxLength} is shorter than the ${specials} special tokens this tokenizer adds`, { param: 'max_length' });
      }
    }
    const fixed = params.padding === 'max_length' ? (params.max_length || r?.maxLength) : undefined;
    return { inputs: INPUTS, outputs: outputs(fixed ?? `T_${node}`) };
  },
  host: (inputs, { node, params, asset: lookup }) => {
    const text = inputs['text'];
    if (!text || text.dtype !== 'string' || text.dims.length !== 1) {
      throw new ModalflowError('MF_HOST_INPUT', `input "text" must be a string tensor [B], got ${text ? `${text.dtype} [${text.dims.join(', ')}]` : 'nothing'}`, { node, port: 'text' });
    }
    const r = resolve(params, lookup);
    if (!r) {
      const missing = lookup(params.tokenizer) ? params.config : params.tokenizer;
      throw new ModalflowError('MF_ASSET_NOT_LOADED', `asset "${missing}" was not loaded`, { node, param: missing === params.tokenizer ? 'tokenizer' : 'config' });
    }
    if ('code' in r) throw new ModalflowError(r.code, r.message, { node, param: r.param });
    let out;
    try {
      out = encodeBatch(r.tok, text.data as string[], {
        maxLength: r.maxLength, padding: params.padding, truncation: params.truncation,
        addSpecialTokens: params.add_special_tokens, padId: r.padId,
      });
    } catch (e) {
      if (e instanceof EncodeError) throw new ModalflowError('MF_TOKENIZE', e.message, e.param === 'text' ? { node, port: 'text' } : { node, param: e.param });
      throw e;
    }
    const dims = [text.dims[0]!, out.length];
    return {
      ids: { dtype: 'int64', dims, data: out.ids } satisfies Tensor,
      attention_mask: { dtype: 'int64', dims: [...dims], data: out.mask } satisfies Tensor,
    };
  },
});
