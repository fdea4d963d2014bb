/** Any failure raised by @scalewise/data. Messages say what was expected and what was found. */
export class DataError extends Error {
  override name = 'DataError';
}

/** Bad input from the caller (a file, a row, a field, an option): the CLI maps it to exit code 2. */
export class DataInputError extends DataError {
  override name = 'DataInputError';
}
