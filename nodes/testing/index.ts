export * from './run-node.ts';
export * from './reference.ts';
export * from './bpe-fixture.ts';
export * from './tokenizer-fixtures.ts';
