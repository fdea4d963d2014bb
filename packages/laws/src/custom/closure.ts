/**
 * The same validated tree as closures instead of generated code: the fallback where a page's Content Security
 * Policy forbids `new Function` (no 'unsafe-eval'). Slower than the generated code, identical in value.
 */
import type { MathNode } from 'mathjs';

export type Evaluate = (p: ArrayLike<number>, x: ArrayLike<number>) => number;

const UNARY: Record<string, (v: number) => number> = {
  exp: Math.exp,
  log: Math.log,
  log10: Math.log10,
  sqrt: Math.sqrt,
  cbrt: Math.cbrt,
  tanh: Math.tanh,
  sinh: Math.sinh,
  cosh: Math.cosh,
  sech: (v) => 1 / Math.cosh(v),
};

/** A closure evaluating `node`; `slot` maps a name to ['p', j] or ['x', i]. Throws on anything not allow-listed. */
export function toClosure(node: MathNode, slot: (name: string) => ['p' | 'x', number]): Evaluate {
  const n = node as unknown as { type: string; value: unknown; name: string; fn: string | MathNode; args: MathNode[]; content: MathNode };
  switch (n.type) {
    case 'ConstantNode': {
      if (typeof n.value !== 'number') throw new Error(`constant ${String(n.value)} is not a number`);
      const c = n.value;
      return () => c;
    }
    case 'SymbolNode': {
      const [where, k] = slot(n.name);
      return where === 'p' ? (p) => p[k]! : (_p, x) => x[k]!;
    }
    case 'ParenthesisNode':
      return toClosure(n.content, slot);
    case 'OperatorNode': {
      const [a, b] = n.args.map((arg) => toClosure(arg, slot));
      switch (n.fn as string) {
        case 'unaryMinus':
          return (p, x) => -a!(p, x);
        case 'unaryPlus':
          return a!;
        case 'add':
          return (p, x) => a!(p, x) + b!(p, x);
        case 'subtract':
          return (p, x) => a!(p, x) - b!(p, x);
        case 'multiply':
          return (p, x) => a!(p, x) * b!(p, x);
        case 'divide':
          return (p, x) => a!(p, x) / b!(p, x);
        case 'pow':
          return (p, x) => a!(p, x) ** b!(p, x);
        default:
          throw new Error(`operator ${String(n.fn)} is not supported`);
      }
    }
    case 'FunctionNode': {
      const name = (n.fn as unknown as { name: string }).name;
      const [a, b] = n.args.map((arg) => toClosure(arg, slot));
      if (name === 'log' && b) return (p, x) => Math.log(a!(p, x)) / Math.log(b(p, x));
      const f = UNARY[name];
      if (!f || n.args.length !== 1) throw new Error(`function ${name} is not supported`);
      return (p, x) => f(a!(p, x));
    }
    default:
      throw new Error(`node ${n.type} is not supported`);
  }
}
