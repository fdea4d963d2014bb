import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { captureIO } from '../capture-io.test-helper.js';

const root = mkdtempSync(join(tmpdir(), 'scalewise-cli-queue-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('queue commands: bad usage exits 2 before any connection, never printing a password', () => {
  it.each([
    [['worker']],
    [['worker', '--queue', 'http://:hunter2@host:1']],
    [['worker', '--queue', 'redis://:hunter2@host:1', '--concurrency', '0']],
    [['worker', '--queue', 'redis://:hunter2@host:1', '--threads', 'x']],
    [['worker', '--queue', 'redis://:hunter2@host:1', '--name', 'a b']],
    [['queue']],
    [['queue', 'status']],
    [['queue', 'list', '--queue', 'redis://h']],
    [['queue', 'status', '--queue', 'redis://:hunter2@host:1/notadb']],
  ])('%j', async (argv) => {
    const io = captureIO(root);
    expect(await main(argv, io)).toBe(2);
    expect(io.err.trim().split('\n')).toHaveLength(1);
    expect(io.err).not.toContain('hunter2');
  });

  it('worker integer flags share the one parser and its message', async () => {
    const io = captureIO(root);
    expect(await main(['worker', '--queue', 'redis://h:1', '--concurrency', '1.5'], io)).toBe(2);
    expect(io.err).toMatch(/--concurrency expects an integer >= 1, found '1\.5'/);
    const io2 = captureIO(root);
    expect(await main(['worker', '--queue', 'redis://h:1', '--threads', '2000'], io2)).toBe(2);
    expect(io2.err).toMatch(/--threads expects an integer in \[1, 1,024\], found '2000'/);
  });

  it('sweep --queue with a bad URL exits 2; with a bad spec exits 2 before connecting', async () => {
    writeFileSync(join(root, 'bad.json'), JSON.stringify({ models: [], budgets: [{ tokens: 10 }] }));
    const io = captureIO(root);
    expect(await main(['sweep', '--spec', 'bad.json', '--queue', 'redis://:hunter2@127.0.0.1:1'], io)).toBe(2);
    expect(io.err).toMatch(/field 'models'/);
    const io2 = captureIO(root);
    expect(await main(['sweep', '--spec', 'bad.json', '--queue', 'redis://:hunter2@h:99999'], io2)).toBe(2);
    expect(io2.err).not.toContain('hunter2');
  });

  it('sweep --queue exits 1 naming the URL without its password when Redis is unreachable', async () => {
    const model = { name: 'q', vocabSize: 259, dim: 8, layers: 1, heads: 2, kvHeads: 1, headDim: 4, ffnHidden: 16, maxPositions: 32 };
    writeFileSync(
      join(root, 'good.json'),
      JSON.stringify({ training: { data: { corpus: './corpus', seq: 16 } }, models: [model], budgets: [{ tokens: 320 }] }),
    );
    const port = await closedPort();
    const io = captureIO(root);
    expect(await main(['sweep', '--spec', 'good.json', '--queue', `redis://:hunter2@127.0.0.1:${port}`, '--out', 'never'], io)).toBe(1);
    expect(io.err.trim()).toBe(
      `scalewise sweep: cannot reach Redis at redis://***@127.0.0.1:${port}/0: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  }, 30_000);

  it('queue status exits 1 naming the URL without its password when Redis is unreachable', async () => {
    const port = await closedPort();
    const io = captureIO(root);
    expect(await main(['queue', 'status', '--queue', `redis://:hunter2@127.0.0.1:${port}/3`], io)).toBe(1);
    expect(io.err).toContain(`cannot reach Redis at redis://***@127.0.0.1:${port}/3`);
    expect(io.err).not.toContain('hunter2');
  }, 30_000);

  it('worker: waits for an unreachable Redis with backoff, saying so, and SIGTERM ends the wait with exit 0', async () => {
    const port = await closedPort();
    const io = captureIO(root);
    const running = main(['worker', '--queue', `redis://:hunter2@127.0.0.1:${port}`, '--name', 'patient'], io);
    const deadline = Date.now() + 20_000;
    while (!io.err.includes('retrying in 2 s') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(io.err).toContain(
      `worker patient: cannot reach Redis at redis://***@127.0.0.1:${port}/0: connect ECONNREFUSED 127.0.0.1:${port}; retrying in 1 s`,
    );
    expect(io.err).toContain('retrying in 2 s');
    process.emit('SIGTERM', 'SIGTERM');
    expect(await running).toBe(0);
    expect(io.err).not.toContain('hunter2');
  }, 30_000);
});
