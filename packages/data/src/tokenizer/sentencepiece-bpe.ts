import { initialSymbols, type Vocabulary } from './sentencepiece-codec.js';

/**
 * Segmentation by a BPE-type SentencePiece model (what Llama's and MobileLLM's `tokenizer.model` are), as
 * sentencepiece's `bpe_model.cc` does it: start from single characters and repeatedly merge the adjacent pair
 * whose concatenation is a piece with the highest score (leftmost on ties) until no pair is a piece.
 */

interface Candidate {
  score: number;
  left: number;
  right: number;
  length: number;
}

/** A binary max-heap of merge candidates: highest score first, then leftmost. */
class Agenda {
  private items: Candidate[] = [];
  get size(): number {
    return this.items.length;
  }
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

export function bpeSegment(normalized: string, vocab: Vocabulary): string[] {
  const symbols = initialSymbols(normalized, vocab.userDefined);
  const n = symbols.length;
  const prev = Int32Array.from({ length: n }, (_, i) => i - 1);
  const next = Int32Array.from({ length: n }, (_, i) => (i + 1 < n ? i + 1 : -1));
  const agenda = new Agenda();
  const consider = (left: number, right: number) => {
    if (left < 0 || right < 0) return;
    const merged = symbols[left]! + symbols[right]!;
    const hit = vocab.scored.get(merged);
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
  const out: string[] = [];
  for (let i = n > 0 ? 0 : -1; i >= 0; i = next[i]!) out.push(symbols[i]!);
  return out;
}
