export * from './run-node.ts';
export * from './reference.ts';
