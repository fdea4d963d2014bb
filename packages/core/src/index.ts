// Browser-safe: nothing here (or in what it imports) may use a Node builtin. Node-only helpers live in ./node.
export { ScalewiseError, InputError, errorKind, isInputError, type ErrorKind } from './errors.js';
export { Rng, createRng, permutation, hashString, type RngState, type RngSeed } from './rng.js';
export { natsToBits, bitsToNats, bitsPerByte, lossToBitsPerByte, bitsPerByteToLoss } from './units.js';
export { logSpace } from './spacing.js';
export { CsvError, CsvTokenizer, checkCsvHeader, parseCsv, readCsvRecords, type CsvPlace, type CsvRecord, type CsvTable } from './csv.js';
export { parseNumberCell, readNumberCell, csvCell, formatCsv } from './csv-cells.js';
