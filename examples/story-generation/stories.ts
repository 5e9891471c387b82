import { examplesOf, type Split, type World, type WorldExample } from '@modalflow/world';

/** Pictures per story. */
export const PICTURES = 3;

/** A run of pictures is told as their captions joined by "then", in order. */
export function story(run: readonly WorldExample[]): string {
  return run.map((e) => e.caption).join(' then ');
}

/** A split's pictures in consecutive runs of PICTURES (a last, shorter run is left out). */
export function runsOf(world: World, split: Split): WorldExample[][] {
  const examples = examplesOf(world, split);
  const runs: WorldExample[][] = [];
  for (let k = 0; k + PICTURES <= examples.length; k += PICTURES) runs.push(examples.slice(k, k + PICTURES));
  return runs;
}
