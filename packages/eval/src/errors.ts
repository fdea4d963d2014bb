import { ScalewiseError, type ErrorKind } from '@scalewise/core';

/** Any failure raised by @scalewise/eval (kind 'failure'). Messages say what was expected and what was found. */
export class EvalError extends ScalewiseError {
  override name = 'EvalError';
}

/** Bad input from the caller (a file, a row, a field, an option): kind 'input', which the CLI maps to exit code 2. */
export class EvalInputError extends EvalError {
  override name = 'EvalInputError';
  override readonly kind: ErrorKind = 'input';
}
