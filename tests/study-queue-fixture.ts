import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { startCli, type BackgroundCli } from './helpers.js';
import { startRedis, type TestRedis } from './redis.js';

// The `scalewise study --queue` e2e files' setup: SCALEWISE_TEST_TINY_STUDY=1 (the tiny plan, tests only), a real
// redis-server on a free loopback port and 2 real worker processes (sw1, sw2; sw2 with --concurrency 2) sharing one
// artifacts folder.

export interface StudyQueueFixture {
  /** Temporary folder of the suite, removed after it. */
  root: string;
  /** The workers' shared --artifacts folder. */
  artifacts: string;
  redis: TestRedis;
  workers: BackgroundCli[];
}

export const WORKER_NAMES = ['sw1', 'sw2'] as const;

/** Registers beforeAll/afterAll for a suite; the fixture is filled in once beforeAll has run. */
export function useStudyQueue(prefix: string): StudyQueueFixture {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  const fixture = { root, artifacts: path.join(root, 'artifacts'), workers: [] } as unknown as StudyQueueFixture;
  let oldTiny: string | undefined;
  beforeAll(async () => {
    oldTiny = process.env.SCALEWISE_TEST_TINY_STUDY;
    process.env.SCALEWISE_TEST_TINY_STUDY = '1';
    fixture.redis = await startRedis();
    // sw2 trains 2 runs at once on worker threads (a run pool), sw1 one at a time in its own thread: both paths.
    for (const name of WORKER_NAMES)
      fixture.workers.push(
        startCli([
          'worker',
          '--queue',
          fixture.redis.url,
          '--name',
          name,
          '--artifacts',
          fixture.artifacts,
          '--stall-timeout',
          '60',
          ...(name === 'sw2' ? ['--concurrency', '2'] : []),
        ]),
      );
    await Promise.all(fixture.workers.map((w) => w.waitFor(/ready/, 60_000)));
  }, 90_000);
  afterAll(async () => {
    for (const w of fixture.workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await fixture.redis?.stop();
    if (oldTiny === undefined) delete process.env.SCALEWISE_TEST_TINY_STUDY;
    else process.env.SCALEWISE_TEST_TINY_STUDY = oldTiny;
    rmSync(root, { recursive: true, force: true });
  });
  return fixture;
}

/** `scalewise study --quick --no-png --json --out OUT ...extra`. */
export const studyArgs = (out: string, ...extra: string[]) => ['study', '--quick', '--no-png', '--json', '--out', out, ...extra];

/** Run a study to its end (10 minutes at most); it must exit 0. */
export async function runStudy(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const cli = startCli(args);
  const code = await cli.exited(600_000);
  expect(code, cli.output().stderr).toBe(0);
  return cli.output();
}

/** Finished stages taken from another study folder, as a resume would reuse them (default: the two that train nothing). */
export function reuseStages(from: string, to: string, stages: string[] = ['original', 'baselines']): void {
  mkdirSync(path.join(to, 'stages'), { recursive: true });
  for (const stage of stages) copyFileSync(path.join(from, 'stages', `${stage}.json`), path.join(to, 'stages', `${stage}.json`));
}
