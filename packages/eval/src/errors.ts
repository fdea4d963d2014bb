/** Any failure raised by @scalewise/eval. Messages say what was expected and what was found. */
export class EvalError extends Error {
  override name = 'EvalError';
}

/** Bad input from the caller (a file, a row, a field, an option): the CLI maps it to exit code 2. */
export class EvalInputError extends EvalError {
  override name = 'EvalInputError';
}
