import { DataInputError } from '../errors.js';
import { MODEL_TYPE, PIECE_TYPE, type SentencePieceModel } from './sentencepiece-model.js';

/**
 * Encoding and decoding of a BPE-type SentencePiece model (what Llama's and MobileLLM's `tokenizer.model` are), as
 * sentencepiece's `bpe_model.cc` does it: normalize (dummy prefix, whitespace → ▁), start from single characters,
 * repeatedly merge the adjacent pair whose concatenation is a piece with the highest score (leftmost on ties),
 * then map each symbol to its id, falling back to `<0xXX>` byte pieces (or `<unk>`) for symbols not in the vocab.
 */
export const SPACE = '\u2581';

export interface SentencePieceCodec {
  encode(text: string): Uint32Array;
  decode(ids: ArrayLike<number>, skipSpecial: boolean): string;
  pieceToId(piece: string): number | undefined;
}

interface Candidate { score: number; left: number; right: number; length: number }

/** A binary max-heap of merge candidates: highest score first, then leftmost. */
class Agenda {
  private items: Candidate[] = [];
  get size(): number { return this.items.length; }
  private before(a: Candidate, b: Candidate): boolean {
    return a.score > b.score || (a.score === b.score && a.left < b.left);
  }
  push(c: Candidate): void {
    const h = this.items;
    h.push(c);
    for (let i = h.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!this.before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }
  pop(): Candidate {
    const h = this.items;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < h.length && this.before(h[l]!, h[best]!)) best = l;
        if (r < h.length && this.before(h[r]!, h[best]!)) best = r;
        if (best === i) break;
        [h[i], h[best]] = [h[best]!, h[i]!];
        i = best;
      }
    }
    return top;
  }
}

export function bpeCodec(model: SentencePieceModel, where: string): SentencePieceCodec {
  if (model.modelType !== MODEL_TYPE.BPE) {
    const name = Object.entries(MODEL_TYPE).find(([, v]) => v === model.modelType)?.[0] ?? String(model.modelType);
    throw new DataInputError(`${where}: SentencePiece model_type ${name} is not supported (BPE is, as in Llama's and MobileLLM's tokenizer.model)`);
  }
  if (model.normalizer.hasCharsMap) {
    throw new DataInputError(`${where}: SentencePiece normalizer '${model.normalizer.name}' (a precompiled character map) is not supported; Llama-style models use 'identity'`);
  }
  if (model.treatWhitespaceAsSuffix) throw new DataInputError(`${where}: SentencePiece treat_whitespace_as_suffix is not supported`);
  const reserved = new Map<string, number>();
  const mergeable = new Map<string, { id: number; score: number }>();
  const userDefined: string[] = [];
  const byteIds = new Array<number | undefined>(256);
  model.pieces.forEach(({ piece, score, type }, id) => {
    if (type === PIECE_TYPE.UNKNOWN || type === PIECE_TYPE.CONTROL || type === PIECE_TYPE.BYTE) reserved.set(piece, id);
    else mergeable.set(piece, { id, score });
    if (type === PIECE_TYPE.USER_DEFINED) userDefined.push(piece);
    const byte = type === PIECE_TYPE.BYTE ? /^<0x([0-9A-F]{2})>$/.exec(piece) : null;
    if (byte) byteIds[parseInt(byte[1]!, 16)] = id;
  });
  userDefined.sort((a, b) => b.length - a.length);
  const canFallBack = model.byteFallback && byteIds.every((b) => b !== undefined);
  const pieceToId = (piece: string) => reserved.get(piece) ?? mergeable.get(piece)?.id;
  const { addDummyPrefix, removeExtraWhitespaces, escapeWhitespaces } = model.normalizer;

  function normalize(text: string): string {
    let t = text;
    if (removeExtraWhitespaces) t = t.replace(/ +/g, ' ').replace(/^ | $/g, '');
    if (t.length === 0) return '';
    if (addDummyPrefix) t = ` ${t}`;
    return escapeWhitespaces ? t.replaceAll(' ', SPACE) : t;
  }

  function initialSymbols(text: string): string[] {
    const chars = Array.from(text);
    if (userDefined.length === 0) return chars;
    const out: string[] = [];
    for (let i = 0; i < chars.length;) {
      const rest = chars.slice(i, i + 64).join('');
      const match = userDefined.find((u) => rest.startsWith(u));
      if (match) {
        out.push(match);
        i += Array.from(match).length;
      } else out.push(chars[i++]!);
    }
    return out;
  }

  function encode(text: string): Uint32Array {
    const symbols = initialSymbols(normalize(text));
    const n = symbols.length;
    const prev = Int32Array.from({ length: n }, (_, i) => i - 1);
    const next = Int32Array.from({ length: n }, (_, i) => (i + 1 < n ? i + 1 : -1));
    const agenda = new Agenda();
    const consider = (left: number, right: number) => {
      if (left < 0 || right < 0) return;
      const merged = symbols[left]! + symbols[right]!;
      const hit = mergeable.get(merged);
      if (hit) agenda.push({ score: hit.score, left, right, length: merged.length });
    };
    for (let i = 0; i + 1 < n; i++) consider(i, i + 1);
    while (agenda.size > 0) {
      const top = agenda.pop();
      const { left, right } = top;
      // Stale candidates: a side was merged away or grew since the candidate was pushed.
      if (symbols[left] === '' || symbols[right] === '' || next[left] !== right) continue;
      if (symbols[left]!.length + symbols[right]!.length !== top.length) continue;
      symbols[left] = symbols[left]! + symbols[right]!;
      symbols[right] = '';
      next[left] = next[right]!;
      if (next[right]! >= 0) prev[next[right]!] = left;
      consider(prev[left]!, left);
      consider(left, next[left]!);
    }
    const ids: number[] = [];
    for (let i = n > 0 ? 0 : -1; i >= 0; i = next[i]!) {
      const id = pieceToId(symbols[i]!);
      if (id !== undefined && model.pieces[id]!.type !== PIECE_TYPE.UNUSED) ids.push(id);
      else if (canFallBack) for (const b of new TextEncoder().encode(symbols[i]!)) ids.push(byteIds[b]!);
      else ids.push(model.unkId);
    }
    return Uint32Array.from(ids);
  }

  function decode(ids: ArrayLike<number>, skipSpecial: boolean): string {
    let out = '';
    let bytes: number[] = [];
    let emitted = false;
    const flush = () => {
      if (bytes.length > 0) out += new TextDecoder('utf-8').decode(Uint8Array.from(bytes));
      bytes = [];
    };
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const p = model.pieces[id];
      if (!p) throw new DataInputError(`decode: id ${id} is outside the SentencePiece vocabulary of ${model.pieces.length}`);
      if (p.type === PIECE_TYPE.BYTE) {
        bytes.push(parseInt(p.piece.slice(3, 5), 16));
        emitted = true;
        continue;
      }
      flush();
      if (p.type === PIECE_TYPE.CONTROL) {
        if (!skipSpecial) out += p.piece;
        continue;
      }
      let text = p.type === PIECE_TYPE.UNKNOWN ? ' \u2047 ' : p.piece.replaceAll(SPACE, ' ');
      // The dummy prefix becomes a leading space on the first piece: sentencepiece drops it.
      if (!emitted && addDummyPrefix && text.startsWith(' ')) text = text.slice(1);
      out += text;
      emitted = true;
    }
    flush();
    return out;
  }

  return { encode, decode, pieceToId };
}
