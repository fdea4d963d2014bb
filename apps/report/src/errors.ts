import { ScalewiseError, type ErrorKind } from '@scalewise/core';

/** Any failure raised by @scalewise/report (kind 'failure'). Messages say what was expected and what was found. */
export class ReportError extends ScalewiseError {
  override name = 'ReportError';
}

/** Bad input from the caller (a results file, a figure name, a table): kind 'input', which the CLI maps to exit code 2. */
export class ReportInputError extends ReportError {
  override name = 'ReportInputError';
  override readonly kind: ErrorKind = 'input';
}
