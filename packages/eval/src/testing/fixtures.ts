import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of a committed fixture under packages/eval/fixtures. */
export function fixturePath(relative: string): string {
  return fileURLToPath(new URL(`../../fixtures/${relative}`, import.meta.url));
}

export function fixtureText(relative: string): string {
  return readFileSync(fixturePath(relative), 'utf8');
}

export function fixtureBytes(relative: string): Uint8Array {
  return new Uint8Array(readFileSync(fixturePath(relative)));
}

/** Splits text into chunks of `size` characters, so readers see lines cut across chunks. */
export function chunked(text: string, size = 7): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** Runs `f` and returns the ModalflowError it throws (or fails). */
export async function caught(f: () => unknown): Promise<{ code: string; at: Record<string, unknown>; message: string }> {
  try {
    await f();
  } catch (e) {
    return e as { code: string; at: Record<string, unknown>; message: string };
  }
  throw new Error('expected an error');
}
