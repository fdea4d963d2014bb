import { ScalewiseError, type ErrorKind } from '@scalewise/core';

/** Any failure raised by @scalewise/laws (kind 'failure'). Messages say what was expected and what was found. */
export class LawsError extends ScalewiseError {
  override name = 'LawsError';
}

/** Bad input from the caller (a file, a row, a field, an option): kind 'input', which the CLI maps to exit code 2. */
export class LawsInputError extends LawsError {
  override name = 'LawsInputError';
  override readonly kind: ErrorKind = 'input';
}
