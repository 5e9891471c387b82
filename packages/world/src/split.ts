import type { Split } from './options.ts';
import type { World, WorldExample } from './world.ts';

export const SPLITS: readonly Split[] = ['train', 'test', 'heldout'];

/**
 * train: seen pairs, for fitting; test: seen pairs kept back, for in-distribution accuracy;
 * heldout: pictures with a pair never seen in training, for compositional generalisation.
 */
export function splitWorld(world: World): Record<Split, WorldExample[]> {
  const out: Record<Split, WorldExample[]> = { train: [], test: [], heldout: [] };
  for (const e of world.examples) out[e.split].push(e);
  return out;
}

export function examplesOf(world: World, split: Split): WorldExample[] {
  return world.examples.filter((e) => e.split === split);
}
