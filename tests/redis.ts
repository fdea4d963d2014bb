import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'vitest';

/** Whether `redis-server` (Debian package redis-server) can be started here. */
export function redisAvailable(): boolean {
  return spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).status === 0;
}

/**
 * Without redis-server, a suite named `suite` with one test that says `what` did not run: it fails under CI=true
 * and warns elsewhere, never a silent skip. Defined only when Redis is missing, so a machine with Redis reports
 * no skipped test.
 */
export function reportMissingRedis(suite: string, what: string): void {
  if (redisAvailable()) return;
  describe(suite, () => {
    it('needs redis-server (apt-get install redis-server)', () => {
      if (process.env.CI === 'true')
        throw new Error(`redis-server is not installed: ${what} cannot run (CI=true); apt-get install redis-server`);
      console.warn(`scalewise: redis-server not found: ${what} did NOT run (apt-get install redis-server)`);
    });
  });
}

/** A TCP port nothing listens on right now (for a Redis to start on, or one that is down). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface TestRedis {
  url: string;
  port: number;
  stop: () => Promise<void>;
  /** Send a signal to the server (SIGKILL: an outage; SIGSTOP/SIGCONT: a hang) and, for a fatal one, wait for its exit. */
  signal: (signal: NodeJS.Signals) => Promise<void>;
  /** Start the server again on the same port and folder (a `persistent` server comes back with its queue). */
  restart: () => Promise<void>;
}

export interface RedisOptions {
  /** Append-only file fsynced on every write, so that a killed and restarted server keeps every job. */
  persistent?: boolean;
}

/** Spawn redis-server and wait until it accepts connections. */
async function spawnRedis(args: string[]): Promise<ChildProcess> {
  const child: ChildProcess = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => {
    log += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    log += d.toString();
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s:\n${log}`)), 10_000);
    const check = setInterval(() => {
      if (log.includes('Ready to accept connections')) {
        clearTimeout(timer);
        clearInterval(check);
        resolve();
      }
    }, 50);
    child.once('exit', (code) => {
      clearTimeout(timer);
      clearInterval(check);
      reject(new Error(`redis-server exited with ${code}:\n${log}`));
    });
  });
  return child;
}

const running = (child: ChildProcess): boolean => child.exitCode === null && child.signalCode === null;

/**
 * A private redis-server on a free loopback port, as BullMQ needs it (noeviction); no persistence unless asked for.
 * `extra` arguments come last (e.g. `--requirepass`).
 */
export async function startRedis(extra: string[] = [], options: RedisOptions = {}): Promise<TestRedis> {
  const dir = mkdtempSync(path.join(tmpdir(), 'scalewise-redis-'));
  const port = await freePort();
  const persistence = options.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    ...persistence,
    '--maxmemory-policy',
    'noeviction',
    '--dir',
    dir,
    ...extra,
  ];
  let child = await spawnRedis(args);
  const signal = async (name: NodeJS.Signals): Promise<void> => {
    if (!running(child)) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(name);
    if (name === 'SIGKILL' || name === 'SIGTERM') await exited;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    signal,
    restart: async () => {
      await signal('SIGKILL');
      child = await spawnRedis(args);
    },
    stop: async () => {
      if (running(child)) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGCONT'); // a stopped server cannot act on SIGTERM
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
        if (running(child)) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
