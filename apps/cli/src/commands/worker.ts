import { resolve } from 'node:path';
import { EXIT_OK, UsageError, intFlag, numberFlag, parseFlags, type Command } from '../kit.js';
import { threadsFlag } from './flag-checks.js';

const HELP = `scalewise worker --queue URL [--concurrency N] [--artifacts DIR] [--threads N] [--name NAME] [--stall-timeout S]

Take training runs from the queue (filled by 'scalewise sweep --queue URL') and train them with the normal
trainer, the same code path as a local sweep. Start one per machine (or several); they share the work.
Ctrl-C or SIGTERM: each running job finishes its current step, writes a checkpoint and goes back to the
queue; a second Ctrl-C quits at once. A worker killed outright (kill -9, power loss) stops renewing its
lock: after --stall-timeout another worker takes the job again.

Options:
  --queue URL         redis://[:password@]host:port[/db] or rediss:// (TLS); the password is never printed
  --concurrency N     runs trained at once by this process, each on a worker thread (default 1: one at a time)
  --artifacts DIR     run folders and checkpoints in DIR/runs/<job id>; on a filesystem that every worker
                      mounts at the same path, a job re-delivered to another worker resumes from its last
                      checkpoint. Without it: scalewise-out/worker-<name or host>/ here, and a job re-delivered to
                      another machine restarts from scratch (its record says which happened)
  --threads N         engine threads of each run (native engine; 1 to 1024; default with --concurrency N:
                      ⌊cores / N⌋, else the engine's own choice)
  --name NAME         worker name shown by 'scalewise queue status' (default <host>-<pid>)
  --stall-timeout S   seconds without a lock renewal before a job counts as stalled (default 30); must be
                      longer than one training step and than loading the corpus

Examples:
  scalewise worker --queue redis://queue.lab:6379 --artifacts /mnt/shared/scalewise
  scalewise worker --queue redis://:secret@10.0.0.5:6379/1 --concurrency 2 --name gpu-box
`;

const command: Command = {
  summary: 'Train runs from a queue (Redis); stop with Ctrl-C/SIGTERM to hand jobs back',
  help: HELP,
  run: async (argv, io) => {
    const { values, positionals } = parseFlags(argv, {
      queue: { type: 'string' },
      concurrency: { type: 'string' },
      artifacts: { type: 'string' },
      threads: { type: 'string' },
      name: { type: 'string' },
      'stall-timeout': { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'; see 'scalewise worker --help'`);
    if (values.queue === undefined) throw new UsageError('--queue URL is required');
    const concurrency = intFlag('concurrency', values.concurrency, { min: 1 });
    const threads = threadsFlag(values.threads);
    const stall = numberFlag('stall-timeout', values['stall-timeout']);
    if (stall !== undefined && !(stall > 0))
      throw new UsageError(`--stall-timeout expects seconds > 0, found '${values['stall-timeout']}'`);
    if (values.name !== undefined && !/^[\w.@-]{1,64}$/.test(values.name))
      throw new UsageError(`--name: use 1-64 letters, digits, '.', '-', '_' or '@', found '${values.name}'`);
    const { parseQueueUrl, startWorker } = await import('@scalewise/train/queue');
    const target = parseQueueUrl(values.queue);
    const stopping = new AbortController();
    let signals = 0;
    let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
    const onSignal = (signal: NodeJS.Signals): void => {
      signals++;
      if (signals > 1) {
        io.stderr(`scalewise worker: ${signal} again: quitting now (running jobs will be re-delivered after the stall timeout)\n`);
        process.exit(1);
      }
      io.stderr(`scalewise worker: ${signal}: finishing the current step of each run, writing a checkpoint and handing the jobs back\n`);
      stopping.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      worker = await startWorker({
        target,
        log: (line) => io.stderr(`${line}\n`),
        signal: stopping.signal,
        ...(concurrency !== undefined ? { concurrency } : {}),
        ...(threads !== undefined ? { threads } : {}),
        ...(values.artifacts !== undefined ? { artifacts: resolve(io.cwd, values.artifacts) } : {}),
        ...(values.name !== undefined ? { name: values.name } : {}),
        ...(stall !== undefined ? { stallTimeoutMs: stall * 1000 } : {}),
      });
      if (worker === null) return EXIT_OK;
      await worker.closed;
      io.stderr(`scalewise worker: ${worker.name} stopped\n`);
      return EXIT_OK;
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    }
  },
};

export default command;
