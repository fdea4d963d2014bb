/** One document of a corpus: running text plus string metadata (genre, source file, ...). */
export interface Document {
  /** Stable identifier: splits are derived from it, so it must not change when other documents are added. */
  id: string;
  text: string;
  meta: Record<string, string>;
}

/** Progress report shared by every package's long-running work (the CLI renders it as a bar or periodic lines). */
export interface ProgressEvent {
  stage: string;
  done: number;
  total: number;
  unit?: string;
  detail?: string;
}

export type ProgressCallback = (event: ProgressEvent) => void;
