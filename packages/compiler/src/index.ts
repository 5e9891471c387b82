export * from './plan.ts';
export * from './partition.ts';
export * from './weights.ts';
export * from './lower.ts';
export * from './compile.ts';
export * from './train/index.ts';
export * from './derived-costs.ts';
export * from './generate.ts';
