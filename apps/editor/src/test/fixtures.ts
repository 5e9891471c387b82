// The node types the editor's tests share with the document operations' own tests.
export * from '@modalflow/document-ops/fixtures';
