// Entry of the worker bundle: runs inside the Web Worker the page starts.
import { startWorker } from './worker.js';

startWorker(self as unknown as Parameters<typeof startWorker>[0]);
