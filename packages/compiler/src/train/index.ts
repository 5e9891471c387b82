export * from './config.ts';
export * from './setup.ts';
export * from './step.ts';
export { stateNames } from './optimizer.ts';
export type { StateSlot } from './optimizer.ts';
export { matchesPattern } from './patterns.ts';
