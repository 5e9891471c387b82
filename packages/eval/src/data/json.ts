import { parse as parseTolerant, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { z } from 'zod';
import { DATA_CODES, dataError, pointer } from './errors.ts';

/** 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Parses JSON with the engine's fast parser, and only on failure re-reads it with a tolerant
 * parser that reports where the first error sits (the engine's message has no line on every
 * platform).
 */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const errors: ParseError[] = [];
    parseTolerant(text, errors, { disallowComments: true, allowTrailingComma: false });
    const first = errors[0];
    if (!first) throw dataError(DATA_CODES.json, `not valid JSON: ${(e as Error).message}`, { file });
    const end = text.trimEnd().length;
    const truncated = errors.some((e) => e.offset + e.length >= end) || printParseErrorCode(first.error) === 'UnexpectedEndOfString';
    const what = truncated ? `the file ends early (truncated?): ${printParseErrorCode(first.error)}` : printParseErrorCode(first.error);
    throw dataError(DATA_CODES.json, `not valid JSON: ${what}`, { file, line: lineAt(text, first.offset) });
  }
}

/** Checks a parsed document against a schema; the first problem is reported at its JSON path. */
export function check<S extends z.ZodType>(schema: S, value: unknown, file: string, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw dataError(DATA_CODES.field, `${what}: ${issue.message}`, { file, path: pointer(issue.path) });
}
