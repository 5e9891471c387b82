/**
 * Where a problem sits. Every field is optional; a message names as many as are known so a
 * user can go straight to the file, node, port or JSON field at fault.
 */
export interface Location {
  file?: string;
  /** 1-based line in a text file (CSV, TSV, JSON Lines, or JSON that fails to parse). */
  line?: number;
  /** The block definition a problem sits in; `node` then names the instance path (`layer3.attn`). */
  block?: string;
  node?: string;
  port?: string;
  edge?: number;
  param?: string;
  weight?: string;
  /** JSON path inside the document, e.g. `/nodes/3/params/dim`. */
  path?: string;
}

export interface Problem {
  /** Stable, documented code such as `MF_UNKNOWN_NODE_TYPE`; never reworded. */
  code: string;
  message: string;
  at: Location;
  severity?: 'error' | 'warning';
}

export function formatLocation(at: Location): string {
  const parts: string[] = [];
  if (at.file) parts.push(at.line !== undefined ? `${at.file}:${at.line}` : at.file);
  else if (at.line !== undefined) parts.push(`line ${at.line}`);
  if (at.block !== undefined) parts.push(`block "${at.block}"`);
  if (at.node !== undefined) parts.push(`node "${at.node}"`);
  if (at.port !== undefined) parts.push(`port "${at.port}"`);
  if (at.param !== undefined) parts.push(`param "${at.param}"`);
  if (at.weight !== undefined) parts.push(`weight "${at.weight}"`);
  if (at.edge !== undefined) parts.push(`edge #${at.edge}`);
  if (at.path) parts.push(`at ${at.path}`);
  return parts.join(', ');
}

export function formatProblem(p: Problem): string {
  const where = formatLocation(p.at);
  return `${p.code}: ${p.message}${where ? ` (${where})` : ''}`;
}

/** The one error type every package throws for bad input; `problems` holds each finding. */
export class ModalflowError extends Error {
  readonly code: string;
  readonly at: Location;
  readonly problems: Problem[];

  constructor(code: string, message: string, at: Location = {}, problems?: Problem[]) {
    super(formatProblem({ code, message, at }));
    this.name = 'ModalflowError';
    this.code = code;
    this.at = at;
    this.problems = problems ?? [{ code, message, at }];
  }

  static fromProblems(problems: Problem[]): ModalflowError {
    const first = problems[0];
    if (!first) throw new Error('fromProblems needs at least one problem');
    const err = new ModalflowError(first.code, first.message, first.at, problems);
    if (problems.length > 1) {
      err.message = `${problems.length} problems:\n` + problems.map((p) => '  ' + formatProblem(p)).join('\n');
    }
    return err;
  }
}

export function isModalflowError(e: unknown): e is ModalflowError {
  return e instanceof ModalflowError;
}
