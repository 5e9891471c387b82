import { ModalflowError, type Location } from '@modalflow/core';

/**
 * An error answered to the client: the v2 protocol's `{ "error": message }`, with the same
 * MF_* code and location the command line reports, so a client can act on it.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly location: Location = {},
    readonly problems?: { code: string; message: string; location: Location }[],
  ) {
    super(message);
  }
}

export interface ErrorBody {
  error: string;
  code: string;
  location?: Location;
  problems?: { code: string; message: string; location: Location }[];
}

/** Codes that mean the caller's input was at fault; anything else from the engine is a 500. */
const CLIENT_CODES = /^MF_(BAD_|INPUT_|FILE_|TAP_|IMAGE|UNKNOWN|NOT_|TOO_)|_INPUT$|_SHAPE$|_DTYPE$/;

export function toHttpError(e: unknown): HttpError {
  if (e instanceof HttpError) return e;
  if (e instanceof ModalflowError) {
    const problems = e.problems.map((p) => ({ code: p.code, message: p.message, location: p.at }));
    const first = problems[0]!;
    const status = CLIENT_CODES.test(e.code) || e.problems.every((p) => CLIENT_CODES.test(p.code)) ? 400 : 500;
    return new HttpError(status, first.code, e.message, first.location, problems.length > 1 ? problems : undefined);
  }
  const err = e as Error & { code?: string; statusCode?: number };
  if (err?.name === 'AbortError') return new HttpError(499, 'MF_CANCELLED', 'the request was cancelled');
  return new HttpError(500, 'MF_INTERNAL', err?.message ?? String(e));
}

export function errorBody(e: HttpError): ErrorBody {
  return {
    error: e.message,
    code: e.code,
    ...(Object.keys(e.location).length ? { location: e.location } : {}),
    ...(e.problems ? { problems: e.problems } : {}),
  };
}
