import { describe, expect, it } from 'vitest';
import { TrainInputError } from '../errors.js';
import { parseQueueUrl, redactUrl, redisOptions } from './url.js';

describe('queue URLs', () => {
  it('parses host, port, db and TLS, with defaults', () => {
    expect(parseQueueUrl('redis://127.0.0.1:6390/2')).toMatchObject({
      host: '127.0.0.1',
      port: 6390,
      db: 2,
      tls: false,
      display: 'redis://127.0.0.1:6390/2',
    });
    expect(parseQueueUrl('redis://queue.lab')).toMatchObject({ host: 'queue.lab', port: 6379, db: 0 });
    expect(parseQueueUrl('rediss://queue.lab:6380')).toMatchObject({ tls: true, display: 'rediss://queue.lab:6380/0' });
    expect(redisOptions(parseQueueUrl('rediss://queue.lab:6380'))).toMatchObject({ tls: { servername: 'queue.lab' } });
  });

  it('keeps the password for the connection but never in the display form', () => {
    const t = parseQueueUrl('redis://:s3cr%40t@host:1/0');
    expect(t.password).toBe('s3cr@t');
    expect(t.display).toBe('redis://***@host:1/0');
    expect(t.display).not.toContain('s3cr');
    const u = parseQueueUrl('redis://alice:pw@host:1');
    expect(u).toMatchObject({ username: 'alice', password: 'pw' });
    expect(u.display).not.toMatch(/alice|pw/);
  });

  it('rejects bad URLs with TrainInputError, without echoing the password', () => {
    for (const bad of [
      'http://:hunter2@host:1',
      'redis://:hunter2@host:1/x',
      'not a url :hunter2@',
      'redis://:hunter2@host:99999',
      'redis://:hunter2@host/0?x=1',
    ]) {
      let error: unknown;
      try {
        parseQueueUrl(bad);
      } catch (e) {
        error = e;
      }
      expect(error, bad).toBeInstanceOf(TrainInputError);
      expect((error as Error).message).not.toContain('hunter2');
    }
    expect(redactUrl('redis://u:p@h:1')).toBe('redis://***@h:1');
  });
});
