// Edits of a graph document that need no editor: connecting with the compiler's checks,
// port compatibility, cycle checks, clipboard documents, fresh ids and orphaned branches.
export * from './clipboard.ts';
export * from './compat.ts';
export * from './connect.ts';
export * from './cycles.ts';
export * from './ids.ts';
export * from './orphans.ts';
