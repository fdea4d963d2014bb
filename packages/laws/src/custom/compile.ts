/**
 * A validated formula tree compiled once into plain JavaScript: the prediction and, from mathjs symbolic
 * differentiation, every ∂/∂parameter in one function. Only allow-listed nodes reach the code generator, names
 * become array slots (p[j], x[i]) and constants are printed numbers, so no user text is ever executed.
 */
import type { MathNode } from 'mathjs';
import { toClosure } from './closure.js';
import { mathjs } from './math.js';
import { formulaError, positionOf, type ParsedFormula } from './parse.js';

const UNARY_FUNCTIONS: Record<string, string> = {
  exp: 'Math.exp',
  log: 'Math.log',
  log10: 'Math.log10',
  sqrt: 'Math.sqrt',
  cbrt: 'Math.cbrt',
  tanh: 'Math.tanh',
  sinh: 'Math.sinh',
  cosh: 'Math.cosh',
  sech: '1/Math.cosh',
};
const BINARY_OPERATORS: Record<string, string> = { add: '+', subtract: '-', multiply: '*', divide: '/', pow: '**' };

/** JavaScript source of a node; `slot` maps a name to `p[j]` or `x[i]`. Throws on anything not allow-listed. */
export function toJs(node: MathNode, slot: (name: string) => string): string {
  const n = node as unknown as { type: string; value: unknown; name: string; fn: string | MathNode; args: MathNode[]; content: MathNode };
  switch (n.type) {
    case 'ConstantNode':
      if (typeof n.value !== 'number') throw new Error(`constant ${String(n.value)} is not a number`);
      return `(${String(n.value)})`;
    case 'SymbolNode':
      return slot(n.name);
    case 'ParenthesisNode':
      return toJs(n.content, slot);
    case 'OperatorNode': {
      const fn = n.fn as string;
      const args = n.args.map((a) => toJs(a, slot));
      if (fn === 'unaryMinus') return `(-${args[0]})`;
      if (fn === 'unaryPlus') return `(+${args[0]})`;
      const op = BINARY_OPERATORS[fn];
      if (!op || args.length !== 2) throw new Error(`operator ${fn} is not supported`);
      return `(${args[0]} ${op} ${args[1]})`;
    }
    case 'FunctionNode': {
      const name = (n.fn as unknown as { name: string }).name;
      const args = n.args.map((a) => toJs(a, slot));
      if (name === 'log' && args.length === 2) return `(Math.log(${args[0]}) / Math.log(${args[1]}))`;
      const js = UNARY_FUNCTIONS[name];
      if (!js || args.length !== 1) throw new Error(`function ${name} is not supported`);
      return `(${js}(${args[0]}))`;
    }
    default:
      throw new Error(`node ${n.type} is not supported`);
  }
}

export type Evaluate = (p: ArrayLike<number>, x: ArrayLike<number>) => number;
export type EvaluateWithGradient = (p: ArrayLike<number>, x: ArrayLike<number>, g: Float64Array) => number;

export interface CompiledFormula {
  predict: Evaluate;
  gradient: EvaluateWithGradient;
}

let codegenAllowed: boolean | undefined;

/** Whether `new Function` works here (a Content Security Policy without 'unsafe-eval' forbids it). */
function canGenerateCode(): boolean {
  if (codegenAllowed === undefined) {
    try {
      codegenAllowed = (new Function('return 1') as () => number)() === 1;
    } catch {
      codegenAllowed = false;
    }
  }
  return codegenAllowed;
}

/** Compile the prediction and its symbolic gradient once: generated code, or closures where code cannot be generated. */
export function compileFormula(formula: string, parsed: ParsedFormula, options: { codegen?: boolean } = {}): CompiledFormula {
  const where = (name: string): ['p' | 'x', number] => {
    const j = parsed.params.indexOf(name);
    if (j >= 0) return ['p', j];
    const i = parsed.variables.indexOf(name);
    if (i >= 0) return ['x', i];
    throw new Error(`unknown name ${name}`);
  };
  const derivatives = parsed.params.map((name) => {
    try {
      const node = mathjs().derivative(parsed.expr, name, { simplify: false });
      toClosure(node, where); // throws on a node outside the allow-list
      return node;
    } catch (err) {
      throw formulaError(formula, positionOf(formula, name), `cannot differentiate with respect to '${name}': ${(err as Error).message}`);
    }
  });
  if (!(options.codegen ?? canGenerateCode())) {
    const value = toClosure(parsed.expr, where);
    const grads = derivatives.map((node) => toClosure(node, where));
    return {
      predict: value,
      gradient: (p, x, g) => {
        for (let j = 0; j < grads.length; j++) g[j] = grads[j]!(p, x);
        return value(p, x);
      },
    };
  }
  const slot = (name: string): string => {
    const [arr, k] = where(name);
    return `${arr}[${k}]`;
  };
  const body = toJs(parsed.expr, slot);
  const grads = derivatives.map((node) => toJs(node, slot));
  const predict = new Function('p', 'x', `return ${body};`) as Evaluate;
  const gradient = new Function(
    'p',
    'x',
    'g',
    `${grads.map((src, j) => `g[${j}] = ${src};`).join('\n')}\nreturn ${body};`,
  ) as EvaluateWithGradient;
  return { predict, gradient };
}

/**
 * The symbolic gradient against central finite differences at `points` (parameter values, input values). A
 * parameter whose derivative disagrees, or is zero everywhere (it has no effect), is an input error naming it.
 */
export function checkGradient(formula: string, parsed: ParsedFormula, compiled: CompiledFormula, points: [number[], number[]][]): void {
  const k = parsed.params.length;
  const g = new Float64Array(k);
  const used = new Array<boolean>(k).fill(false);
  let finitePoints = 0;
  for (const [p0, x] of points) {
    const y = compiled.gradient(p0, x, g);
    if (!Number.isFinite(y) || !g.every(Number.isFinite)) continue;
    finitePoints++;
    for (let j = 0; j < k; j++) {
      if (g[j] !== 0) used[j] = true;
      const fd = centralDifference(compiled, p0, x, j, 1e-6);
      if (!Number.isFinite(fd)) continue;
      // Where the step changes the estimate (strong curvature, e.g. x = 1e6 in an exponent), the finite
      // difference cannot judge the derivative: the point is skipped rather than reported as a disagreement.
      const fdFine = centralDifference(compiled, p0, x, j, 1e-7);
      if (!(Math.abs(fdFine - fd) <= 1e-5 * (Math.abs(fd) + Math.abs(fdFine)) + 1e-9)) continue;
      const tol = 1e-4 * (Math.abs(fd) + Math.abs(g[j]!)) + (1e-7 * Math.max(1, Math.abs(y))) / Math.max(1, Math.abs(p0[j]!));
      if (Math.abs(fd - g[j]!) > tol) {
        const name = parsed.params[j]!;
        throw formulaError(
          formula,
          positionOf(formula, name),
          `the derivative with respect to '${name}' (${g[j]}) disagrees with finite differences (${fd}) at ${name} = ${p0[j]}: ` +
            'is the formula non-differentiable there?',
        );
      }
    }
  }
  if (finitePoints === 0)
    throw formulaError(formula, 1, 'the formula is not finite at any check point (starting values, inputs 0.5 to 1e6)');
  used.forEach((u, j) => {
    const name = parsed.params[j]!;
    if (!u)
      throw formulaError(
        formula,
        positionOf(formula, name),
        `parameter '${name}' has no effect on the prediction (its derivative is always zero)`,
      );
  });
}

function centralDifference(compiled: CompiledFormula, p0: readonly number[], x: readonly number[], j: number, step: number): number {
  const h = step * Math.max(1, Math.abs(p0[j]!));
  const up = p0.slice();
  const dn = p0.slice();
  up[j] = p0[j]! + h;
  dn[j] = p0[j]! - h;
  return (compiled.predict(up, x) - compiled.predict(dn, x)) / (2 * h);
}
