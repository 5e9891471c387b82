/**
 * The caption tokenisation of the COCO caption evaluation (pycocoevalcap): Stanford's
 * PTBTokenizer with `-lowerCase`, then every token in its punctuation list dropped. This
 * re-states the PTB rules that matter for captions (contractions split as "do n't", "dog 's";
 * punctuation split from words; hyphens, slashes and decimal points kept inside words) so the
 * metrics run without Java.
 */

/** Tokens pycocoevalcap removes after tokenising (brackets come out of PTB as -LRB- etc.). */
const PUNCTUATION = new Set(["''", "'", '``', '`', '-lrb-', '-rrb-', '-lcb-', '-rcb-', '.', '?', '!', ',', ':', '-', '--', '...', ';']);
/** Characters PTB rewrites into one of the tokens above (brackets to -LRB- etc., double quotes to `` and ''). */
const REWRITTEN = new Set(['(', ')', '[', ']', '{', '}', '"']);

/** Abbreviations PTB keeps with their period (a sentence-final period is split off every other word). */
const ABBREVIATION = String.raw`(?:mr|mrs|ms|dr|st|jr|sr|vs|etc|prof|mt|ft|inc|ltd|co)\.(?![\p{L}\p{N}])`;

const TOKEN = new RegExp(String.raw`(?<![\p{L}\p{N}])${ABBREVIATION}|\d+(?:[.,:]\d+)+|(?:\p{L}\.){2,}|[\p{L}\p{N}]+(?:['’\-/&.][\p{L}\p{N}]+)*'?|\.\.\.|--|\S`, 'gu');

const CLITIC = /^(.+?)(n't|'s|'re|'ve|'ll|'d|'m)$/;

function splitClitic(word: string): string[] {
  const w = word.replace(/’/g, "'");
  // "can't" -> "ca n't" and "won't" -> "wo n't", as PTB does.
  const m = CLITIC.exec(w);
  if (!m) return [w.endsWith("'") && w.length > 1 ? w.slice(0, -1) : w];
  return [m[1]!, m[2]!];
}

export function ptbTokenize(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.replace(/\n/g, ' ').toLowerCase().match(TOKEN) ?? []) {
    for (const t of splitClitic(raw)) {
      if (t !== '' && !PUNCTUATION.has(t) && !REWRITTEN.has(t)) out.push(t);
    }
  }
  return out;
}

/** Tokenised caption as the scorers take it: tokens joined by single spaces. */
export function tokenizeCaption(text: string): string {
  return ptbTokenize(text).join(' ');
}
