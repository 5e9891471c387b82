/** A file that cannot be used; the message reads after `asset "name" `. */
export class AssetFileError extends Error {}

/** Reads a JSON object from file bytes, saying what is wrong in terms a user can act on. */
export function readJsonObject(bytes: Uint8Array): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new AssetFileError('is not UTF-8 text');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new AssetFileError(`is not valid JSON (${(e as Error).message})`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new AssetFileError('is not a JSON object');
  return value as Record<string, unknown>;
}
