/** Any failure raised by @scalewise/report. Messages say what was expected and what was found. */
export class ReportError extends Error {
  override name = 'ReportError';
}

/** Bad input from the caller (a results file, a figure name, a table): the CLI maps it to exit code 2. */
export class ReportInputError extends ReportError {
  override name = 'ReportInputError';
}
