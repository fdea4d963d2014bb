import { ngramBaselines, prepareTokens } from '@scalewise/data';

export interface StudyBaselines {
  unigram_bpb: number;
  /** Interpolated Kneser–Ney, orders 2–5, bits/byte. */
  ngram_bpb: Record<'2' | '3' | '4' | '5', number>;
  method: string;
  validation_bytes: number;
  validation_documents: number;
}

/** Stage: byte n-gram baselines fitted on Brown's train split and scored on the validation split the models see. */
export async function runBaselines(): Promise<StudyBaselines> {
  const prepared = await prepareTokens({ corpus: 'brown', tokenizer: 'byte' });
  const scores = ngramBaselines(prepared.splits.train, prepared.splits.validation, { maxOrder: 5 });
  const bpb = (order: number) => scores.find((s) => s.order === order)!.bitsPerByte;
  return {
    unigram_bpb: bpb(1),
    ngram_bpb: { 2: bpb(2), 3: bpb(3), 4: bpb(4), 5: bpb(5) },
    method:
      'order 1: add-one unigram; orders 2–5: interpolated Kneser–Ney; bytes + one EOS ' +
      "per document scored, over the documents' bytes (as the models)",
    validation_bytes: scores[0]!.bytes,
    validation_documents: scores[0]!.documents,
  };
}
