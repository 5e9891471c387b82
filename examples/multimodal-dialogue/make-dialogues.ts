/**
 * Writes the dialogue lesson's data: the teaching world's pictures with a two-turn dialogue each
 * (see dialogues.ts), as train.jsonl and test.jsonl manifests (columns `image`, `dialogue`) and
 * PNG files, for `modalflow train --data <dir>/train.jsonl`.
 *
 *   npx tsx examples/multimodal-dialogue/make-dialogues.ts /tmp/dialogues ['world:shapes?count=4096&seed=1']
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { encodePng, examplesOf, generateWorld, parseWorldSpec } from '@modalflow/world';
import { dialogue } from './dialogues.ts';

const [out = 'dialogues', spec = 'world:shapes?count=4096&seed=1'] = process.argv.slice(2);
const world = generateWorld(parseWorldSpec(spec));
mkdirSync(path.join(out, 'images'), { recursive: true });
for (const split of ['train', 'test'] as const) {
  const lines = examplesOf(world, split).map((e) => {
    const image = `images/${e.id}.png`;
    writeFileSync(path.join(out, image), encodePng(e.image));
    return JSON.stringify({ id: e.id, image, dialogue: dialogue(e) });
  });
  writeFileSync(path.join(out, `${split}.jsonl`), lines.join('\n') + '\n');
  process.stderr.write(`${split}: ${lines.length} dialogues\n`);
}
