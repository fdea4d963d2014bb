import { Redis } from 'ioredis';
import { TrainError } from '../errors.js';
import { redisOptions, type QueueTarget } from './url.js';

/** The queue cannot be used: Redis unreachable or misconfigured. The CLI maps it to exit code 1. */
export class QueueError extends TrainError {
  override name = 'QueueError';
}

/** BullMQ queue name shared by `sweep --queue`, `worker` and `queue status|clean`. */
export const QUEUE_NAME = 'scalewise-runs';

function reason(error: unknown): string {
  const e = error as NodeJS.ErrnoException & { errors?: unknown[] };
  if (e.code && !String(e.message).includes(e.code)) return `${e.code}: ${e.message}`;
  return String(e.message ?? error) || String(e.code ?? 'unknown error');
}

/**
 * Connect once (no retries) and check what BullMQ needs: `maxmemory-policy noeviction`, so that Redis never
 * drops a job's keys under memory pressure. Read from INFO, which works where CONFIG is disabled.
 */
export async function probeRedis(target: QueueTarget, timeoutMs = 5_000): Promise<void> {
  const client = new Redis({
    ...redisOptions(target),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // The socket's error (ECONNREFUSED, ENOTFOUND, WRONGPASS) arrives as an event; connect() only says "closed".
  let socketError: unknown;
  client.on('error', (error) => {
    socketError ??= error;
  });
  try {
    try {
      await client.connect();
    } catch (error) {
      throw new QueueError(`cannot reach Redis at ${target.display}: ${reason(socketError ?? error)}`, { cause: socketError ?? error });
    }
    let info: string;
    try {
      info = await client.info('memory');
    } catch (error) {
      throw new QueueError(`Redis at ${target.display} refused INFO: ${reason(error)}`, { cause: error });
    }
    const policy = /^maxmemory_policy:(\S+)/m.exec(info)?.[1];
    if (policy !== undefined && policy !== 'noeviction') {
      throw new QueueError(
        `Redis at ${target.display} has maxmemory-policy '${policy}': the queue needs 'noeviction' (BullMQ loses jobs when Redis ` +
          `evicts keys). ` +
          "Set it with `redis-cli CONFIG SET maxmemory-policy noeviction` or 'maxmemory-policy noeviction' in redis.conf",
      );
    }
  } finally {
    client.disconnect();
  }
}

/** Probe until Redis answers, waiting 1, 2, 4 ... 30 s between tries and saying so; stops early when `signal` aborts. */
export async function waitForRedis(target: QueueTarget, log: (line: string) => void, signal?: AbortSignal): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await probeRedis(target);
      return true;
    } catch (error) {
      // A misconfigured server will not fix itself: refuse at once.
      if (!(error instanceof QueueError) || !error.message.startsWith('cannot reach')) throw error;
      const delay = Math.min(30_000, 1000 * 2 ** attempt);
      log(`${error.message}; retrying in ${delay / 1000} s`);
      const slept = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(true), delay);
        signal?.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            resolve(false);
          },
          { once: true },
        );
      });
      if (!slept || signal?.aborted) return false;
    }
  }
}

/** Connection options for BullMQ's own connections: reconnect with backoff (capped at 30 s). */
export function bullConnection(target: QueueTarget, onRetry?: (delayMs: number) => void): Record<string, unknown> {
  return {
    ...redisOptions(target),
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => {
      const delay = Math.min(30_000, 500 * 2 ** Math.min(times, 6));
      onRetry?.(delay);
      return delay;
    },
  };
}
