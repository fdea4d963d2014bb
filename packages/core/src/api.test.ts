// Pins the public surface: adding, removing or renaming an export fails here until the list is edited on purpose.
import { describePinnedSurface, type PinnedEntry } from './testing/api-surface.js';

const ENTRIES: PinnedEntry[] = [
  {
    entry: '@scalewise/core',
    file: 'index.ts',
    load: () => import('./index.js'),
    runtime: [
      'CsvError',
      'CsvTokenizer',
      'InputError',
      'Rng',
      'ScalewiseError',
      'bitsPerByte',
      'bitsPerByteToLoss',
      'bitsToNats',
      'checkCsvHeader',
      'createRng',
      'csvCell',
      'errorKind',
      'formatCsv',
      'hashString',
      'isInputError',
      'logSpace',
      'lossToBitsPerByte',
      'natsToBits',
      'parseCsv',
      'parseNumberCell',
      'permutation',
      'readCsvRecords',
      'readNumberCell',
    ],
    types: ['CsvPlace', 'CsvRecord', 'CsvTable', 'ErrorKind', 'RngSeed', 'RngState'],
  },
  {
    entry: '@scalewise/core/node',
    file: 'node/index.ts',
    load: () => import('./node/index.js'),
    runtime: ['jsonText', 'readJsonIfExists', 'writeFileAtomic', 'writeFileAtomicSync', 'writeJsonAtomic', 'writeJsonAtomicSync'],
    types: ['AtomicData', 'AtomicDataAsync', 'AtomicWriteOptions'],
  },
  {
    entry: '@scalewise/core/wasm',
    file: 'wasm/index.ts',
    load: () => import('./wasm/index.js'),
    runtime: ['F32', 'F64', 'I32', 'PAGE_BYTES', 'V128', 'leb', 'moduleBytes', 'op', 'sleb', 'wasmApi'],
    types: ['WasmFunction', 'WasmInstance', 'WasmMemory'],
  },
];

describePinnedSurface('@scalewise/core API', import.meta.url, ENTRIES);
