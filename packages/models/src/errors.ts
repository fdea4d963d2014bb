import { ScalewiseError, type ErrorKind } from '@scalewise/core';

/** Any failure raised by @scalewise/models (kind 'failure'). Messages say what was expected and what was found. */
export class ModelsError extends ScalewiseError {
  override name = 'ModelsError';
}

/** Bad input from the caller (a file, a row, a field, an option): kind 'input', which the CLI maps to exit code 2. */
export class ModelsInputError extends ModelsError {
  override name = 'ModelsInputError';
  override readonly kind: ErrorKind = 'input';
}
