export type DocumentFormat = 'markdown' | 'text' | 'html' | 'csv' | 'jsonl' | 'pdf';

export type DocumentKind = 'product' | 'compliance' | 'script' | 'faq';
export type RiskLevel = 'R1' | 'R2' | 'R3' | 'R4' | 'R5';
export type DocumentStatus = 'draft' | 'approved' | 'retired';

export interface DocumentMetadata {
  title?: string;
  kind?: DocumentKind;
  product?: string;
  productAliases?: string[];
  riskLevel?: RiskLevel;
  language?: 'zh' | 'en';
  tags?: string[];
  status?: DocumentStatus;
  /** ISO date (`YYYY-MM-DD`) or full ISO timestamp, as written by the author. */
  effectiveFrom?: string;
  effectiveUntil?: string;
  externalId?: string;
  owner?: string;
  source?: string;
  /** Phrasings of the questions the document answers (相似问), searched like a FAQ row's questions. */
  questions?: string[];
}

export interface Block {
  type: 'heading' | 'paragraph' | 'table-row' | 'list-item' | 'code';
  text: string;
  /** Headings only: 1 is the outermost. */
  level?: number;
  /** Table rows only: the header row text, so a chunk holding rows can repeat it. */
  tableHeader?: string;
}

export interface ParsedDocument {
  metadata: DocumentMetadata;
  blocks: Block[];
  /** Whole plain text, used for the content hash and language detection. */
  text: string;
}

export interface Chunk {
  ordinal: number;
  /** What is embedded, indexed and shown: a breadcrumb line of the heading path, then the content. */
  text: string;
  headingPath: string[];
  /**
   * The parts BM25 scores as separate fields: `heading` is what names the passage (every question of a FAQ row,
   * or a document section's heading path), `body` what it says (the answer, the section's content).
   */
  fields?: { heading: string; body: string };
}

export interface FaqRow {
  id: string;
  questions: string[];
  answer: string;
  product?: string;
  tags?: string[];
  /** 1-based line in the source file where the row starts. */
  line: number;
}
