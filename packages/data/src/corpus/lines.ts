import { createReadStream } from 'node:fs';
import { decodeUtf8Strict } from '../utf8.js';

/** One line of a file (without its `\n` or `\r\n`), with its 1-based number and the bytes read so far. */
export interface Line {
  text: string;
  number: number;
  bytesRead: number;
}

/**
 * Stream a UTF-8 file line by line without loading it whole. Splits on the byte 0x0A, which
 * never occurs inside a multi-byte UTF-8 sequence, so chunk boundaries cannot break characters.
 * Invalid UTF-8 or a NUL byte is bad input naming the file and byte offset (never replaced by U+FFFD).
 */
export async function* readLines(path: string, highWaterMark = 1 << 20): AsyncGenerator<Line> {
  let carry: Buffer | null = null;
  let number = 0;
  let bytesRead = 0;
  // Byte offset in the file where the current line starts.
  let lineStart = 0;
  const decode = (piece: Buffer, end: number): string => decodeUtf8Strict(piece.subarray(0, end), `${path} line ${number}`, lineStart);
  for await (const chunk of createReadStream(path, { highWaterMark })) {
    const buf = chunk as Buffer;
    bytesRead += buf.length;
    let start = 0;
    let nl = buf.indexOf(0x0a, start);
    while (nl !== -1) {
      let piece = buf.subarray(start, nl);
      if (carry !== null) {
        piece = Buffer.concat([carry, piece]);
        carry = null;
      }
      number += 1;
      const end = piece.length > 0 && piece[piece.length - 1] === 0x0d ? piece.length - 1 : piece.length;
      const text = decode(piece, end);
      lineStart += piece.length + 1;
      yield { text, number, bytesRead };
      start = nl + 1;
      nl = buf.indexOf(0x0a, start);
    }
    if (start < buf.length) carry = carry === null ? Buffer.from(buf.subarray(start)) : Buffer.concat([carry, buf.subarray(start)]);
  }
  if (carry !== null && carry.length > 0) {
    number += 1;
    const end = carry[carry.length - 1] === 0x0d ? carry.length - 1 : carry.length;
    yield { text: decode(carry, end), number, bytesRead };
  }
}
