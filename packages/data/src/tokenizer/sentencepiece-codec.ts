import { DataInputError } from '../errors.js';
import { bpeSegment } from './sentencepiece-bpe.js';
import { MODEL_TYPE, PIECE_TYPE, type SentencePieceModel } from './sentencepiece-model.js';
import { unigramSegment } from './sentencepiece-unigram.js';

/**
 * What sentencepiece's processor does around a model's segmentation: normalize the text (dummy prefix,
 * whitespace → ▁), segment it (BPE merges or unigram Viterbi), map each piece to its id, falling back to
 * `<0xXX>` byte pieces (or one `<unk>` for a run of unknown pieces) for pieces not in the vocabulary; and decode.
 */
export const SPACE = '\u2581';

export interface SentencePieceCodec {
  encode(text: string): Uint32Array;
  decode(ids: ArrayLike<number>, skipSpecial: boolean): string;
  pieceToId(piece: string): number | undefined;
}

/** The vocabulary as a segmenter sees it: pieces it may produce (normal, user-defined, unused) with scores. */
export interface Vocabulary {
  scored: Map<string, { id: number; score: number; type: number }>;
  userDefined: string[];
}

export function sentencePieceCodec(model: SentencePieceModel, where: string): SentencePieceCodec {
  if (model.modelType !== MODEL_TYPE.BPE && model.modelType !== MODEL_TYPE.UNIGRAM) {
    const name = Object.entries(MODEL_TYPE).find(([, v]) => v === model.modelType)?.[0] ?? String(model.modelType);
    throw new DataInputError(
      `${where}: SentencePiece model_type ${name} is not supported (BPE, as in Llama's and MobileLLM's tokenizer.model, and UNIGRAM are)`,
    );
  }
  if (model.normalizer.hasCharsMap) {
    throw new DataInputError(
      `${where}: SentencePiece normalizer '${model.normalizer.name}' (a precompiled character map) is not supported; Llama-style ` +
        `models use 'identity'`,
    );
  }
  if (model.treatWhitespaceAsSuffix) throw new DataInputError(`${where}: SentencePiece treat_whitespace_as_suffix is not supported`);
  const reserved = new Map<string, number>();
  const vocab: Vocabulary = { scored: new Map(), userDefined: [] };
  const byteIds = new Array<number | undefined>(256);
  model.pieces.forEach(({ piece, score, type }, id) => {
    if (type === PIECE_TYPE.UNKNOWN || type === PIECE_TYPE.CONTROL || type === PIECE_TYPE.BYTE) reserved.set(piece, id);
    else vocab.scored.set(piece, { id, score, type });
    if (type === PIECE_TYPE.USER_DEFINED) vocab.userDefined.push(piece);
    const byte = type === PIECE_TYPE.BYTE ? /^<0x([0-9A-F]{2})>$/.exec(piece) : null;
    if (byte) byteIds[parseInt(byte[1]!, 16)] = id;
  });
  vocab.userDefined.sort((a, b) => b.length - a.length);
  const canFallBack = model.byteFallback && byteIds.every((b) => b !== undefined);
  const pieceToId = (piece: string) => reserved.get(piece) ?? vocab.scored.get(piece)?.id;
  const { addDummyPrefix, removeExtraWhitespaces, escapeWhitespaces } = model.normalizer;
  const segment = model.modelType === MODEL_TYPE.BPE ? bpeSegment : unigramSegment;

  function normalize(text: string): string {
    let t = text;
    if (removeExtraWhitespaces) t = t.replace(/ +/g, ' ').replace(/^ | $/g, '');
    if (t.length === 0) return '';
    if (addDummyPrefix) t = ` ${t}`;
    return escapeWhitespaces ? t.replaceAll(' ', SPACE) : t;
  }

  function encode(text: string): Uint32Array {
    const ids: number[] = [];
    let previousUnknown = false;
    for (const piece of segment(normalize(text), vocab)) {
      const id = pieceToId(piece);
      const known = id !== undefined && id !== model.unkId && model.pieces[id]!.type !== PIECE_TYPE.UNUSED;
      if (known) ids.push(id);
      else if (canFallBack) for (const b of new TextEncoder().encode(piece)) ids.push(byteIds[b]!);
      else if (!previousUnknown) ids.push(model.unkId); // sentencepiece joins a run of unknown pieces into one <unk>
      previousUnknown = !known;
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

/** Characters of a normalized text, user-defined pieces kept whole (sentencepiece matches them first). */
export function initialSymbols(text: string, userDefined: readonly string[]): string[] {
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
