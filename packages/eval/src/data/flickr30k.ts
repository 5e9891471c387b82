import type { Location } from '@modalflow/core';
import { DATA_CODES, dataError } from './errors.ts';
import { lines } from './lines.ts';
import { CAPTION_COLUMNS } from './coco-captions.ts';
import { joinPath, type Dataset, type Row } from './rows.ts';

/**
 * Flickr30k's own caption file (`results_20130124.token`, also Flickr8k's `Flickr8k.token.txt`):
 * one line per caption, `<image>.jpg#<n>\t<caption>`. Captions of one image are grouped into a
 * row in the order images first appear. Image ids are the file names without extension.
 */
export async function readFlickr30kTokens(
  chunks: AsyncIterable<string> | Iterable<string>,
  file: string,
  options: { imageRoot?: string } = {},
): Promise<Dataset> {
  const rows: Row[] = [];
  const at: Location[] = [];
  const byImage = new Map<string, string[]>();
  for await (const { text, line } of lines(chunks)) {
    if (text.trim() === '') continue;
    const m = /^([^\t#]+)#(\d+)\t(.*)$/.exec(text);
    if (!m) throw dataError(DATA_CODES.tsv, 'expected "<image>.jpg#<n><TAB><caption>"', { file, line });
    const [, image, , caption] = m as unknown as [string, string, string, string];
    let captions = byImage.get(image);
    if (!captions) {
      captions = [];
      byImage.set(image, captions);
      rows.push({ image_id: image.replace(/\.[^.]+$/, ''), image: joinPath(options.imageRoot, image), captions });
      at.push({ file, line });
    }
    captions.push(caption);
  }
  return { format: 'flickr30k', file, columns: CAPTION_COLUMNS, rows, at };
}
