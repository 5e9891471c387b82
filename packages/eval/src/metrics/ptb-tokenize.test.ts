import { describe, expect, it } from 'vitest';
import { ptbTokenize, tokenizeCaption } from './ptb-tokenize.ts';

describe('ptbTokenize', () => {
  it('lower-cases, splits punctuation off and drops it as pycocoevalcap does', () => {
    expect(tokenizeCaption('A man riding a horse, on the beach.')).toBe('a man riding a horse on the beach');
    expect(tokenizeCaption('Is it a dog?! Yes...')).toBe('is it a dog yes');
    expect(tokenizeCaption('"Quoted" words; (and brackets) - done')).toBe('quoted words and brackets done');
  });

  it('splits clitics as the Penn Treebank does', () => {
    expect(ptbTokenize("The man's dog doesn't bark")).toEqual(['the', 'man', "'s", 'dog', 'does', "n't", 'bark']);
    expect(ptbTokenize("They're here and we'll go, I'm sure; can't stop")).toEqual(['they', "'re", 'here', 'and', 'we', "'ll", 'go', 'i', "'m", 'sure', 'ca', "n't", 'stop']);
  });

  it('keeps hyphens, slashes and decimal points inside words and numbers', () => {
    expect(ptbTokenize('Dr. Smith in St. Louis.')).toEqual(['dr.', 'smith', 'in', 'st.', 'louis']);
    expect(ptbTokenize('A black-and-white photo of 3.5 km/h at 10:30 in the U.S.')).toEqual(['a', 'black-and-white', 'photo', 'of', '3.5', 'km/h', 'at', '10:30', 'in', 'the', 'u.s.']);
  });

  it('treats line breaks as spaces', () => {
    expect(tokenizeCaption('two dogs\nplaying')).toBe('two dogs playing');
  });
});
