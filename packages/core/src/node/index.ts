// Node-only helpers (they use node:fs); the browser-safe rest of the package is the main entry.
export { writeFileAtomic, writeFileAtomicSync, type AtomicData, type AtomicDataAsync, type AtomicWriteOptions } from './atomic.js';
export { writeJsonAtomic, writeJsonAtomicSync, readJsonIfExists, jsonText } from './json.js';
