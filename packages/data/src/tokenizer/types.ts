/** The JSON files that make a Hugging Face tokenizer folder, as plain objects. */
export interface HuggingFaceTokenizerFiles {
  /** Contents of `tokenizer.json`. */
  tokenizerJson: Record<string, unknown>;
  /** Contents of `tokenizer_config.json`. */
  tokenizerConfig: Record<string, unknown>;
}

/** One interface for every tokenizer: the byte tokenizer and Hugging Face tokenizers. */
export interface Tokenizer {
  /** `byte` or the folder a Hugging Face tokenizer came from. */
  name: string;
  /** Number of ids (largest id + 1), special tokens included. */
  vocabSize: number;
  /** Begin-of-sequence id, or null when the tokenizer has none. */
  bosId: number | null;
  /** End-of-sequence id, or null when the tokenizer has none. */
  eosId: number | null;
  /** Padding id, or null when the tokenizer has none. */
  padId: number | null;
  /** SHA-256 of the tokenizer's definition: equal hashes encode identically. */
  hash: string;
  /** Text to ids, without adding special tokens. */
  encode(text: string): Uint32Array;
  /** Ids to text; special tokens are written as their strings unless `skipSpecial`. */
  decode(ids: ArrayLike<number>, options?: { skipSpecial?: boolean }): string;
  /** The `tokenizer.json` and `tokenizer_config.json` objects, for exporting a model folder. */
  huggingFaceFiles(): HuggingFaceTokenizerFiles;
}
