import { initialSymbols, type Vocabulary } from './sentencepiece-codec.js';
import { PIECE_TYPE } from './sentencepiece-model.js';

/**
 * Segmentation by a UNIGRAM-type SentencePiece model, as sentencepiece's `unigram_model.cc` does it: the Viterbi
 * path through the lattice of vocabulary pieces maximising the sum of piece scores; a character no piece covers
 * becomes an unknown piece scored (lowest piece score − 10); user-defined pieces score length · (highest score) − 0.1.
 */
const UNK_PENALTY = 10;

interface Stats {
  maxLength: number;
  minScore: number;
  maxScore: number;
}
const statsCache = new WeakMap<Vocabulary, Stats>();

function stats(vocab: Vocabulary): Stats {
  let s = statsCache.get(vocab);
  if (!s) {
    s = { maxLength: 1, minScore: Infinity, maxScore: -Infinity };
    for (const [piece, { score, type }] of vocab.scored) {
      if (type !== PIECE_TYPE.NORMAL) continue;
      s.maxLength = Math.max(s.maxLength, Array.from(piece).length);
      s.minScore = Math.min(s.minScore, score);
      s.maxScore = Math.max(s.maxScore, score);
    }
    for (const piece of vocab.userDefined) s.maxLength = Math.max(s.maxLength, Array.from(piece).length);
    statsCache.set(vocab, s);
  }
  return s;
}

export function unigramSegment(normalized: string, vocab: Vocabulary): string[] {
  const chars = initialSymbols(normalized, vocab.userDefined);
  const n = chars.length;
  const { maxLength, minScore, maxScore } = stats(vocab);
  const best = new Float64Array(n + 1).fill(-Infinity);
  const from = new Int32Array(n + 1).fill(-1);
  best[0] = 0;
  for (let i = 0; i < n; i++) {
    if (best[i] === -Infinity) continue;
    let piece = '';
    for (let len = 1; len <= maxLength && i + len <= n; len++) {
      piece += chars[i + len - 1]!;
      const hit = vocab.scored.get(piece);
      let score: number | undefined;
      if (hit && hit.type === PIECE_TYPE.USER_DEFINED) score = len * maxScore - 0.1;
      else if (hit && hit.type === PIECE_TYPE.NORMAL) score = hit.score;
      else if (len === 1) score = minScore - UNK_PENALTY;
      if (score === undefined) continue;
      if (best[i]! + score > best[i + len]!) {
        best[i + len] = best[i]! + score;
        from[i + len] = i;
      }
    }
  }
  const out: string[] = [];
  for (let end = n; end > 0; end = from[end]!) out.push(chars.slice(from[end]!, end).join(''));
  return out.reverse();
}
