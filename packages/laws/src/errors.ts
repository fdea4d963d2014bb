/** Any failure raised by @scalewise/laws. Messages say what was expected and what was found. */
export class LawsError extends Error {
  override name = 'LawsError';
}

/** Bad input from the caller (a file, a row, a field, an option): the CLI maps it to exit code 2. */
export class LawsInputError extends LawsError {
  override name = 'LawsInputError';
}
