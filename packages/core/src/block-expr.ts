import jsep from 'jsep';

export type ExprValue = number | string | boolean;

/** A parsed param expression: its syntax tree and the exposed params it reads. */
export interface ParamExpr {
  source: string;
  names: string[];
  evaluate(values: Readonly<Record<string, unknown>>): ExprValue;
}

const ARITHMETIC = new Set(['+', '-', '*', '/']);

/**
 * Parses `dim`, `dim * 4`, `(dim + heads) / 2`, `"gelu"`, `true`. Only literals, exposed param
 * names, + - * / and parentheses are accepted: a document is data, so an expression may compute
 * a size but never call, index or reach anything. Throws a message describing the problem.
 */
export function parseParamExpr(source: string): ParamExpr {
  let tree: jsep.Expression;
  try {
    tree = jsep(source);
  } catch (e) {
    throw new Error(`cannot parse ${JSON.stringify(source)}: ${(e as Error).message}`);
  }
  const names = new Set<string>();
  const check = (n: jsep.Expression): void => {
    switch (n.type) {
      case 'Literal':
        if (!['number', 'string', 'boolean'].includes(typeof (n as jsep.Literal).value)) throw new Error(`${JSON.stringify(source)}: unsupported literal ${String((n as jsep.Literal).raw)}`);
        return;
      case 'Identifier':
        names.add((n as jsep.Identifier).name);
        return;
      case 'UnaryExpression':
        if ((n as jsep.UnaryExpression).operator !== '-') throw new Error(`${JSON.stringify(source)}: only unary minus is allowed`);
        return check((n as jsep.UnaryExpression).argument);
      case 'BinaryExpression': {
        const b = n as jsep.BinaryExpression;
        if (!ARITHMETIC.has(b.operator)) throw new Error(`${JSON.stringify(source)}: operator "${b.operator}" is not allowed (only + - * /)`);
        check(b.left);
        return check(b.right);
      }
      default:
        throw new Error(`${JSON.stringify(source)}: only numbers, strings, param names, + - * / and parentheses are allowed`);
    }
  };
  check(tree);
  return { source, names: [...names], evaluate: (values) => evaluate(tree, values, source) };
}

function evaluate(n: jsep.Expression, values: Readonly<Record<string, unknown>>, source: string): ExprValue {
  switch (n.type) {
    case 'Literal':
      return (n as jsep.Literal).value as ExprValue;
    case 'Identifier': {
      const name = (n as jsep.Identifier).name;
      if (!Object.hasOwn(values, name)) throw new Error(`${JSON.stringify(source)}: "${name}" is not an exposed param`);
      return values[name] as ExprValue;
    }
    case 'UnaryExpression':
      return -num(evaluate((n as jsep.UnaryExpression).argument, values, source), source);
    case 'BinaryExpression': {
      const b = n as jsep.BinaryExpression;
      const l = num(evaluate(b.left, values, source), source);
      const r = num(evaluate(b.right, values, source), source);
      if (b.operator === '+') return l + r;
      if (b.operator === '-') return l - r;
      if (b.operator === '*') return l * r;
      if (r === 0) throw new Error(`${JSON.stringify(source)}: division by zero`);
      return l / r;
    }
    default:
      throw new Error(`${JSON.stringify(source)}: unsupported expression`);
  }
}

function num(v: ExprValue, source: string): number {
  if (typeof v !== 'number') throw new Error(`${JSON.stringify(source)}: arithmetic needs numbers, got ${JSON.stringify(v)}`);
  return v;
}
