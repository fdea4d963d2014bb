import { EXIT_OK, UsageError, parseFlags, printJson, type Command } from '../kit.js';

const HELP = `Usage: scalewise queue <status|clean> --queue URL [--json]

  status   what is queued, running (on which worker, at which step), finished and failed (with the error)
  clean    remove the records of finished and failed runs (results.jsonl files are not touched);
           --all also removes runs still waiting. Running runs are never removed.

Options:
  --queue URL   redis://[:password@]host:port[/db] or rediss:// (TLS); the password is never printed
  --json        one JSON object: status {queue, url, workers, counts, running, waiting, finished, failed};
                clean {finished, failed, waiting} (records removed)
  --all         (clean) also remove waiting runs

Examples:
  scalewise queue status --queue redis://queue.lab:6379
  scalewise queue clean --queue redis://queue.lab:6379 --json
`;

const command: Command = {
  summary: 'Queue of runs on Redis: `queue status` (queued, running, finished, failed), `queue clean`',
  help: HELP,
  run: async (argv, io) => {
    const [sub, ...rest] = argv;
    if (sub !== 'status' && sub !== 'clean') {
      throw new UsageError(
        sub === undefined
          ? "missing subcommand: 'status' or 'clean'; see 'scalewise queue --help'"
          : `unknown queue subcommand '${sub}'; expected status or clean`,
      );
    }
    const { values, positionals } = parseFlags(rest, { queue: { type: 'string' }, all: { type: 'boolean' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]!}'; see 'scalewise queue --help'`);
    if (values.queue === undefined) throw new UsageError('--queue URL is required');
    if (values.all && sub !== 'clean') throw new UsageError('--all applies to `queue clean` only');
    const { cleanQueue, parseQueueUrl, queueStatus } = await import('@scalewise/train/queue');
    const target = parseQueueUrl(values.queue);
    if (sub === 'clean') {
      const removed = await cleanQueue(target, { all: Boolean(values.all) });
      if (values.json) printJson(io, removed);
      else
        io.stdout(
          `${target.display}: removed ${removed.finished} finished, ${removed.failed} failed` +
            `${values.all ? `, ${removed.waiting} waiting` : ''} run record(s)\n`,
        );
      return EXIT_OK;
    }
    const s = await queueStatus(target);
    if (values.json) {
      printJson(io, s);
      return EXIT_OK;
    }
    const lines = [
      `queue ${s.queue} at ${s.url}`,
      `workers: ${s.workers.length}${s.workers.length > 0 ? ` (${s.workers.join(', ')})` : ''}`,
      `runs: ${s.counts.waiting} waiting, ${s.counts.delayed} waiting to retry, ${s.counts.running} running, ${s.counts.finished} ` +
        `finished, ${s.counts.failed} failed`,
    ];
    for (const r of s.running)
      lines.push(`  running  ${r.id} on ${r.worker ?? '?'}: step ${r.step ?? '?'}/${r.steps} (attempt ${r.attempt})`);
    for (const w of s.waiting) lines.push(`  waiting  ${w.id}`);
    for (const f of s.failed) lines.push(`  failed   ${f.id} after ${f.attempts} attempt(s): ${f.reason}`);
    for (const f of s.finished)
      lines.push(
        `  finished ${f.id} on ${f.worker}: val ${f.val_loss.toFixed(4)} nats/token` +
          (f.resumed_from_step === null ? '' : ` (resumed from step ${f.resumed_from_step})`),
      );
    io.stdout(`${lines.join('\n')}\n`);
    return EXIT_OK;
  },
};

export default command;
