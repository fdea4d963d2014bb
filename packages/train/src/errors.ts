/** Any failure raised by @scalewise/train. Messages say what was expected and what was found. */
export class TrainError extends Error {
  override name = 'TrainError';
}

/** Bad input from the caller (a file, a row, a field, an option): the CLI maps it to exit code 2. */
export class TrainInputError extends TrainError {
  override name = 'TrainInputError';
}
