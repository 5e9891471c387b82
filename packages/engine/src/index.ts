export * from './runtime.ts';
export * from './events.ts';
export * from './cache.ts';
export * from './host-steps.ts';
export * from './check-inputs.ts';
export * from './tensor-hash.ts';
export * from './engine.ts';
export * from './train-program.ts';
