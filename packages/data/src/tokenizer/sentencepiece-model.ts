import { DataInputError } from '../errors.js';

/**
 * The SentencePiece `tokenizer.model` file: a protobuf `ModelProto` (sentencepiece_model.proto). Only the fields
 * encoding needs are read; unknown fields are skipped as protobuf allows.
 *   ModelProto:     1 pieces (repeated SentencePiece), 2 trainer_spec, 3 normalizer_spec
 *   SentencePiece:  1 piece (string), 2 score (float), 3 type (NORMAL 1, UNKNOWN 2, CONTROL 3, USER_DEFINED 4, UNUSED 5, BYTE 6)
 *   TrainerSpec:    3 model_type (UNIGRAM 1, BPE 2, WORD 3, CHAR 4), 24 treat_whitespace_as_suffix, 35 byte_fallback,
 *                   40 unk_id, 41 bos_id, 42 eos_id, 43 pad_id
 *   NormalizerSpec: 1 name, 2 precompiled_charsmap, 3 add_dummy_prefix, 4 remove_extra_whitespaces, 5 escape_whitespaces
 */
export const PIECE_TYPE = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, UNUSED: 5, BYTE: 6 } as const;
export const MODEL_TYPE = { UNIGRAM: 1, BPE: 2, WORD: 3, CHAR: 4 } as const;

export interface SentencePieceModel {
  pieces: Array<{ piece: string; score: number; type: number }>;
  modelType: number;
  byteFallback: boolean;
  treatWhitespaceAsSuffix: boolean;
  unkId: number;
  bosId: number;
  eosId: number;
  padId: number;
  normalizer: { name: string; hasCharsMap: boolean; addDummyPrefix: boolean; removeExtraWhitespaces: boolean; escapeWhitespaces: boolean };
}

type Field = { number: number; wire: number; value: bigint | Uint8Array | number };

/** Iterate the fields of one protobuf message. */
function* fields(bytes: Uint8Array, where: string): Generator<Field> {
  let pos = 0;
  const fail = (): never => {
    throw new DataInputError(`${where}: not a SentencePiece model (malformed protobuf at byte ${pos})`);
  };
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (pos >= bytes.length) fail();
      const b = bytes[pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
    }
    return fail();
  };
  while (pos < bytes.length) {
    const key = Number(varint());
    const number = key >>> 3;
    const wire = key & 7;
    if (number === 0) fail();
    if (wire === 0) yield { number, wire, value: varint() };
    else if (wire === 1) {
      if (pos + 8 > bytes.length) fail();
      pos += 8;
    } else if (wire === 2) {
      const n = Number(varint());
      if (pos + n > bytes.length) fail();
      yield { number, wire, value: bytes.subarray(pos, pos + n) };
      pos += n;
    } else if (wire === 5) {
      if (pos + 4 > bytes.length) fail();
      yield { number, wire, value: new DataView(bytes.buffer, bytes.byteOffset + pos, 4).getFloat32(0, true) };
      pos += 4;
    } else fail();
  }
}

const utf8 = new TextDecoder('utf-8');
/** An int32 written as a varint (negative ids are sign-extended to 64 bits). */
const int32 = (v: Field['value']) => Number(BigInt.asIntN(32, v as bigint));

/** Parse `tokenizer.model` bytes; `where` names the file in errors. */
export function parseSentencePieceModel(bytes: Uint8Array, where: string): SentencePieceModel {
  const model: SentencePieceModel = {
    pieces: [],
    modelType: MODEL_TYPE.UNIGRAM,
    byteFallback: false,
    treatWhitespaceAsSuffix: false,
    unkId: 0,
    bosId: 1,
    eosId: 2,
    padId: -1,
    normalizer: { name: '', hasCharsMap: false, addDummyPrefix: true, removeExtraWhitespaces: true, escapeWhitespaces: true },
  };
  for (const f of fields(bytes, where)) {
    if (f.number === 1 && f.wire === 2) {
      const p = { piece: '', score: 0, type: PIECE_TYPE.NORMAL as number };
      for (const g of fields(f.value as Uint8Array, where)) {
        if (g.number === 1 && g.wire === 2) p.piece = utf8.decode(g.value as Uint8Array);
        else if (g.number === 2 && g.wire === 5) p.score = g.value as number;
        else if (g.number === 3 && g.wire === 0) p.type = Number(g.value);
      }
      model.pieces.push(p);
    } else if (f.number === 2 && f.wire === 2) {
      for (const g of fields(f.value as Uint8Array, where)) {
        if (g.wire !== 0) continue;
        if (g.number === 3) model.modelType = Number(g.value);
        else if (g.number === 24) model.treatWhitespaceAsSuffix = g.value !== 0n;
        else if (g.number === 35) model.byteFallback = g.value !== 0n;
        else if (g.number === 40) model.unkId = int32(g.value);
        else if (g.number === 41) model.bosId = int32(g.value);
        else if (g.number === 42) model.eosId = int32(g.value);
        else if (g.number === 43) model.padId = int32(g.value);
      }
    } else if (f.number === 3 && f.wire === 2) {
      for (const g of fields(f.value as Uint8Array, where)) {
        if (g.number === 1 && g.wire === 2) model.normalizer.name = utf8.decode(g.value as Uint8Array);
        else if (g.number === 2 && g.wire === 2) model.normalizer.hasCharsMap = (g.value as Uint8Array).length > 0;
        else if (g.number === 3 && g.wire === 0) model.normalizer.addDummyPrefix = g.value !== 0n;
        else if (g.number === 4 && g.wire === 0) model.normalizer.removeExtraWhitespaces = g.value !== 0n;
        else if (g.number === 5 && g.wire === 0) model.normalizer.escapeWhitespaces = g.value !== 0n;
      }
    }
  }
  if (model.pieces.length === 0) throw new DataInputError(`${where}: not a SentencePiece model (no pieces)`);
  return model;
}
