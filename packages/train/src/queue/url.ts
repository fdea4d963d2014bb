import { TrainInputError } from '../errors.js';

/** Where a queue lives: connection options for ioredis/BullMQ and a printable form without the password. */
export interface QueueTarget {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls: boolean;
  /** The URL as it may be printed or logged: the password (and user name) replaced by `***`. */
  display: string;
}

const FORMS = 'redis://[:password@]host:port[/db] or rediss://... (TLS)';

/** A URL with any `user:password@` part masked, for messages; text with an '@' that is not a URL is not shown at all. */
export function redactUrl(url: string): string {
  const masked = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1***@');
  return masked.slice(masked.indexOf('***@') + 4).includes('@') || (!masked.includes('***@') && masked.includes('@'))
    ? '(hidden: it may hold a password)'
    : masked;
}

/** Parse `redis://[[user]:password@]host[:port][/db]` or `rediss://` (TLS). Bad input throws TrainInputError (no password in it). */
export function parseQueueUrl(url: string, flag = '--queue'): QueueTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TrainInputError(`${flag}: not a URL: '${redactUrl(url)}'; expected ${FORMS}`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new TrainInputError(`${flag}: scheme '${parsed.protocol.slice(0, -1)}' is not supported; expected ${FORMS}`);
  }
  if (parsed.hostname === '') throw new TrainInputError(`${flag}: no host in '${redactUrl(url)}'; expected ${FORMS}`);
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  const dbText = parsed.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!/^\d*$/.test(dbText) || !Number.isInteger(db) || db < 0) {
    throw new TrainInputError(`${flag}: database '${dbText}' in '${redactUrl(url)}' is not a number; expected ${FORMS}`);
  }
  if (parsed.search !== '' || parsed.hash !== '')
    throw new TrainInputError(`${flag}: query strings and fragments are not supported in '${redactUrl(url)}'`);
  const username = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  const auth = username !== '' || password !== '' ? '***@' : '';
  const host = parsed.hostname.includes(':') && !parsed.hostname.startsWith('[') ? `[${parsed.hostname}]` : parsed.hostname;
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port,
    db,
    tls: parsed.protocol === 'rediss:',
    ...(username !== '' ? { username } : {}),
    ...(password !== '' ? { password } : {}),
    display: `${parsed.protocol}//${auth}${host}:${port}/${db}`,
  };
}

/** ioredis options for a target (BullMQ adds its own retry and blocking settings on top). */
export function redisOptions(target: QueueTarget): Record<string, unknown> {
  return {
    host: target.host,
    port: target.port,
    db: target.db,
    ...(target.username !== undefined ? { username: target.username } : {}),
    ...(target.password !== undefined ? { password: target.password } : {}),
    ...(target.tls ? { tls: { servername: target.host } } : {}),
  };
}
