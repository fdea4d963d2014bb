/** One queue worker process for bench/queue.ts: `queue-worker.ts URL NAME`; SIGTERM stops it. */
import { parseQueueUrl, startWorker } from '@scalewise/train/queue';

const [url, name] = process.argv.slice(2);
const worker = await startWorker({ target: parseQueueUrl(url!), name: name!, log: (line) => process.stderr.write(`${line}\n`) });
process.once('SIGTERM', () => void worker?.stop());
await worker?.closed;
