import { ScalewiseError, type ErrorKind } from '@scalewise/core';

/** Any failure raised by @scalewise/data (kind 'failure'). Messages say what was expected and what was found. */
export class DataError extends ScalewiseError {
  override name = 'DataError';
}

/** Bad input from the caller (a file, a row, a field, an option): kind 'input', which the CLI maps to exit code 2. */
export class DataInputError extends DataError {
  override name = 'DataInputError';
  override readonly kind: ErrorKind = 'input';
}
