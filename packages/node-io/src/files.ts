import { readFile } from 'node:fs/promises';
import { ModalflowError } from '@modalflow/core';

/** Reads a file named by the user, turning fs errors into messages that name the file. */
export async function readUserFile(path: string, what = 'file'): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ModalflowError('MF_FILE_NOT_FOUND', `${what} "${path}" does not exist`, { file: path });
    if (code === 'EISDIR') throw new ModalflowError('MF_FILE_UNREADABLE', `${what} "${path}" is a directory, not a file`, { file: path });
    throw new ModalflowError('MF_FILE_UNREADABLE', `cannot read ${what} "${path}": ${(e as Error).message}`, { file: path });
  }
}

export async function readUserText(path: string, what = 'file'): Promise<string> {
  const bytes = await readUserFile(path, what);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ModalflowError('MF_FILE_UNREADABLE', `${what} "${path}" is not UTF-8 text`, { file: path });
  }
}
