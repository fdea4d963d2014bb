import { ScalewiseError, type ErrorKind } from '@scalewise/core';

/** Any failure raised by @scalewise/train (kind 'failure'). Messages say what was expected and what was found. */
export class TrainError extends ScalewiseError {
  override name = 'TrainError';
}

/** Bad input from the caller (a file, a row, a field, an option): kind 'input', which the CLI maps to exit code 2. */
export class TrainInputError extends TrainError {
  override name = 'TrainInputError';
  override readonly kind: ErrorKind = 'input';
}
