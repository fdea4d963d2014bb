import { DataInputError } from './errors.js';

/** Offset of the first byte that makes `bytes` invalid UTF-8, or -1 when it is valid. */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return -1;
  } catch {
    // Prefix validity (allowing an unfinished last character) is monotone: binary-search the longest valid prefix.
    let lo = 0;
    let hi = bytes.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
        lo = mid;
      } catch {
        hi = mid - 1;
      }
    }
    if (lo < bytes.length) {
      // Point at the first byte of the broken character: a lead byte whose continuation bytes stop early.
      let start = lo;
      while (start > 0 && lo - start < 3 && ((bytes[start - 1] as number) & 0xc0) === 0x80) start--;
      return start > 0 && (bytes[start - 1] as number) >= 0xc0 ? start - 1 : lo;
    }
    // The text ends inside a character: point at that character's first byte.
    let start = bytes.length - 1;
    while (start > 0 && ((bytes[start] as number) & 0xc0) === 0x80) start--;
    return start;
  }
}

/**
 * Decode text bytes exactly: invalid UTF-8 or a NUL byte (a binary file) is bad input naming the file and the
 * byte offset, instead of U+FFFD replacement characters that change byte counts and bits per byte.
 * `offset` is where `bytes` starts in the file.
 */
export function decodeUtf8Strict(bytes: Uint8Array, where: string, offset = 0): string {
  const nul = bytes.indexOf(0);
  if (nul !== -1) throw new DataInputError(`${where}: binary data (a NUL byte) at byte offset ${offset + nul}; expected UTF-8 text`);
  try {
    return STRICT.decode(bytes);
  } catch {
    const bad = invalidUtf8Offset(bytes);
    throw new DataInputError(
      `${where}: invalid UTF-8 at byte offset ${offset + bad} (byte 0x${(bytes[bad] ?? 0).toString(16).padStart(2, '0')}); expected ` +
        `UTF-8 text`,
    );
  }
}

// One decoder for every call (decoding without `stream` keeps no state between calls); a BOM stays in the text.
const STRICT = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
