/**
 * Information units. Losses are natural-log (nats); bits per byte divide by ln 2 and by the bytes the tokens
 * cover, so models with different tokenizers can be compared.
 */

/** Nats to bits (÷ ln 2). */
export function natsToBits(nats: number): number {
  return nats / Math.LN2;
}

/** Bits to nats (× ln 2). */
export function bitsToNats(bits: number): number {
  return bits * Math.LN2;
}

/** Bits per byte of a total negative log-likelihood (nats) measured over `bytes` bytes of text. */
export function bitsPerByte(totalNats: number, bytes: number): number {
  return totalNats / bytes / Math.LN2;
}

/** Bits per byte from a mean loss in nats per token and the corpus's bytes per token: loss / (ln 2 · bytes/token). */
export function lossToBitsPerByte(lossNatsPerToken: number, bytesPerToken: number): number {
  return lossNatsPerToken / (Math.LN2 * bytesPerToken);
}

/** Mean loss in nats per token from bits per byte and the corpus's bytes per token (inverse of `lossToBitsPerByte`). */
export function bitsPerByteToLoss(bitsPerByte: number, bytesPerToken: number): number {
  return bitsPerByte * Math.LN2 * bytesPerToken;
}
