// Entry point of the isolated benchmark process: a fresh process, so earlier work does not raise its peak RSS.
import { runBench, type BenchSpec } from './run-bench.js';

const spec = JSON.parse(process.argv[2] ?? '{}') as BenchSpec;
try {
  const result = await runBench({
    ...spec,
    onProgress: (test, rep, reps) => process.stderr.write(`${JSON.stringify({ stage: test, done: rep, total: reps })}\n`),
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (error) {
  const err = error as Error;
  process.stdout.write(`${JSON.stringify({ error: { name: err.name, message: err.message } })}\n`);
  process.exitCode = 1;
}
