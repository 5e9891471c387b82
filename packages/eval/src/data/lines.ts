/** A line of a text stream and its 1-based number. */
export interface Line {
  text: string;
  line: number;
}

/**
 * Splits a stream of text chunks (Node's `createReadStream(file, 'utf8')`, or a browser's
 * `file.stream().pipeThrough(new TextDecoderStream())`) into lines without holding the whole
 * file, so multi-gigabyte feature files stream.
 */
export async function* lines(chunks: AsyncIterable<string> | Iterable<string>): AsyncGenerator<Line> {
  let rest = '';
  let n = 0;
  for await (const chunk of chunks) {
    rest += chunk;
    let start = 0;
    for (let nl = rest.indexOf('\n', start); nl !== -1; nl = rest.indexOf('\n', start)) {
      const end = nl > start && rest.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      yield { text: rest.slice(start, end), line: ++n };
      start = nl + 1;
    }
    rest = rest.slice(start);
  }
  if (rest !== '') yield { text: rest.endsWith('\r') ? rest.slice(0, -1) : rest, line: ++n };
}

/** Wraps a whole string as a one-chunk stream, for callers that already hold the text. */
export function textChunks(text: string): Iterable<string> {
  return [text];
}
