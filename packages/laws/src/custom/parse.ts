/**
 * Parsing and validation of a user formula. The text goes through mathjs `parse` only (never `evaluate`): the
 * node tree is checked against an allow-list of node types, operators and functions, so nothing outside the
 * expression (import, createUnit, assignment, function definitions) can be reached.
 */
import type { MathNode } from 'mathjs';
import { LawsInputError } from '../errors.js';
import { mathjs } from './math.js';

/** Functions a formula may call: smooth, comparison-free. */
export const ALLOWED_FUNCTIONS: readonly string[] = ['exp', 'log', 'log10', 'sqrt', 'cbrt', 'tanh', 'sinh', 'cosh'];
const ALLOWED_OPERATORS = new Set(['add', 'subtract', 'multiply', 'divide', 'pow', 'unaryMinus', 'unaryPlus']);
/** Variables recognised without being declared. */
export const DEFAULT_VARIABLES: readonly string[] = ['x', 'N', 'D'];

export interface ParsedFormula {
  /** The right-hand side (the left side of `L = ...` is only a label). */
  expr: MathNode;
  /** Name on the left of `=`, if any. */
  response?: string;
  /** Parameters in order of first appearance. */
  params: string[];
  /** Variables in order of first appearance. */
  variables: string[];
}

/** 1-based character position of `needle` in the formula (first whole-word match), for messages. */
export function positionOf(formula: string, needle: string, call = false): number {
  const escaped = needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(?<![\\w.])${escaped}${/\w$/.test(needle) ? '(?!\\w)' : ''}${call ? '\\s*\\(' : ''}`);
  const m = re.exec(formula);
  return m ? m.index + 1 : 1;
}

export function formulaError(formula: string, position: number, message: string): LawsInputError {
  return new LawsInputError(`formula '${formula}', character ${position}: ${message}`);
}

/** Parse and validate; `variables` are the names bound to columns (default: whichever of x, N, D appear). */
export function parseFormula(formula: string, variables?: readonly string[]): ParsedFormula {
  if (typeof formula !== 'string' || formula.trim() === '')
    throw new LawsInputError('formula is empty: write an expression such as "E + A*N^(-alpha)"');
  if (formula.length > 2000) throw new LawsInputError(`formula has ${formula.length} characters: at most 2000 are accepted`);
  let root: MathNode;
  try {
    root = mathjs().parse(formula);
  } catch (err) {
    const m = /\(char (\d+)\)/.exec(String((err as Error).message));
    const msg = String((err as Error).message).replace(/\s*\(char \d+\)/, '');
    throw formulaError(formula, m ? Number(m[1]) : 1, `cannot parse: ${msg}`);
  }
  let response: string | undefined;
  let expr = root;
  if (root.type === 'AssignmentNode') {
    const a = root as unknown as { object: MathNode; index: unknown; value: MathNode };
    const eq = formula.indexOf('=') + 1;
    if (a.object.type !== 'SymbolNode' || a.index)
      throw formulaError(formula, eq, "only 'NAME = expression' is allowed on the left of '='");
    response = (a.object as unknown as { name: string }).name;
    expr = a.value;
  }
  const symbols: string[] = [];
  const check = (node: MathNode): void => {
    switch (node.type) {
      case 'ConstantNode': {
        const value = (node as unknown as { value: unknown }).value;
        if (typeof value !== 'number' || !Number.isFinite(value))
          throw formulaError(formula, positionOf(formula, String(value)), `'${String(value)}' is not a number`);
        return;
      }
      case 'SymbolNode': {
        const name = (node as unknown as { name: string }).name;
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw formulaError(formula, positionOf(formula, name), `'${name}' is not a plain name`);
        // Names become keys of result records: those of Object.prototype would read as inherited members.
        if (name in Object.prototype) throw formulaError(formula, positionOf(formula, name), `'${name}' is a reserved name: rename it`);
        if (name === response)
          throw formulaError(
            formula,
            positionOf(formula.slice(formula.indexOf('=') + 1), name) + formula.indexOf('=') + 1,
            `'${name}' is the response and cannot appear on the right`,
          );
        if (!symbols.includes(name)) symbols.push(name);
        return;
      }
      case 'ParenthesisNode':
        return check((node as unknown as { content: MathNode }).content);
      case 'OperatorNode': {
        const op = node as unknown as { fn: string; op: string; args: MathNode[] };
        if (!ALLOWED_OPERATORS.has(op.fn))
          throw formulaError(formula, positionOf(formula, op.op), `operator '${op.op}' is not allowed (use + - * / ^)`);
        op.args.forEach(check);
        return;
      }
      case 'FunctionNode': {
        const fn = node as unknown as { fn: MathNode; args: MathNode[] };
        const name = fn.fn.type === 'SymbolNode' ? (fn.fn as unknown as { name: string }).name : '';
        if (!ALLOWED_FUNCTIONS.includes(name)) {
          throw formulaError(
            formula,
            positionOf(formula, name || '(', true),
            `unknown function '${name || fn.fn.toString()}' (allowed: ${ALLOWED_FUNCTIONS.join(', ')})`,
          );
        }
        const arity = name === 'log' ? [1, 2] : [1];
        if (!arity.includes(fn.args.length))
          throw formulaError(
            formula,
            positionOf(formula, name, true),
            `${name} takes ${arity.join(' or ')} argument(s), found ${fn.args.length}`,
          );
        fn.args.forEach(check);
        return;
      }
      case 'AssignmentNode':
        throw formulaError(formula, formula.indexOf('=') + 1, 'assignment is not allowed inside a formula');
      case 'FunctionAssignmentNode':
        throw formulaError(formula, Math.max(1, formula.indexOf('=') + 1), 'function definitions are not allowed');
      default:
        throw formulaError(
          formula,
          firstSpecial(formula),
          `${describe(node.type)} is not allowed: use numbers, names, + - * / ^ and ${ALLOWED_FUNCTIONS.join(', ')}`,
        );
    }
  };
  check(expr);
  if (response !== undefined && symbols.length === 0)
    throw formulaError(
      formula,
      formula.indexOf('=') + 1,
      `assignment is not allowed: write 'RESPONSE = expression' with variables and parameters`,
    );
  const vars = variables ?? DEFAULT_VARIABLES.filter((v) => symbols.includes(v));
  for (const v of vars) {
    if (!symbols.includes(v))
      throw new LawsInputError(`formula '${formula}': variable '${v}' is bound to a column but does not appear in the formula`);
  }
  for (const v of DEFAULT_VARIABLES) {
    if (symbols.includes(v) && !vars.includes(v))
      throw formulaError(formula, positionOf(formula, v), `variable '${v}' has no column: bind it (--var ${v}=COL)`);
  }
  if (vars.length === 0) throw formulaError(formula, 1, `no variable: use x, N or D, or declare one bound to a column (--var NAME=COL)`);
  const params = symbols.filter((s) => !vars.includes(s));
  if (params.length === 0) throw formulaError(formula, 1, 'no parameters to fit: every name is a variable bound to a column');
  return { expr, response, params, variables: symbols.filter((s) => vars.includes(s)) };
}

function describe(type: string): string {
  const names: Record<string, string> = {
    AccessorNode: 'property access',
    ArrayNode: 'a matrix',
    BlockNode: 'more than one statement',
    ConditionalNode: 'a condition',
    IndexNode: 'indexing',
    ObjectNode: 'an object',
    RangeNode: 'a range',
    RelationalNode: 'a comparison',
  };
  return names[type] ?? `'${type}'`;
}

/** Position of the first character outside plain arithmetic (for node types mathjs does not place). */
function firstSpecial(formula: string): number {
  const i = formula.search(/[^\w\s.+\-*/^()=,]|\.(?=[A-Za-z_])/);
  return i >= 0 ? i + 1 : 1;
}
