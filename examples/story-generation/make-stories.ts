/**
 * Writes the story lesson's data: the teaching world's pictures in runs of three, each run with
 * its story, the three captions joined by "then" ("a red square on the left then a blue circle
 * at the top then ..."), as train.jsonl and test.jsonl manifests (columns `image1`, `image2`,
 * `image3`, `story`) and PNG files, for `modalflow train --data <dir>/train.jsonl`.
 *
 *   npx tsx examples/story-generation/make-stories.ts /tmp/stories ['world:shapes?count=9000&seed=2']
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { encodePng, generateWorld, parseWorldSpec } from '@modalflow/world';
import { runsOf, story } from './stories.ts';

const [out = 'stories', spec = 'world:shapes?count=9000&seed=2'] = process.argv.slice(2);
const world = generateWorld(parseWorldSpec(spec));
mkdirSync(path.join(out, 'images'), { recursive: true });
for (const split of ['train', 'test'] as const) {
  const lines: string[] = [];
  for (const run of runsOf(world, split)) {
    const row: Record<string, string> = { id: run.map((e) => e.id).join('-') };
    run.forEach((e, i) => {
      const image = `images/${e.id}.png`;
      writeFileSync(path.join(out, image), encodePng(e.image));
      row[`image${i + 1}`] = image;
    });
    row['story'] = story(run);
    lines.push(JSON.stringify(row));
  }
  writeFileSync(path.join(out, `${split}.jsonl`), lines.join('\n') + '\n');
  process.stderr.write(`${split}: ${lines.length} stories\n`);
}
