import type { DispositionTaxonomy } from './disposition-taxonomy.js';
import type { ComplianceSummary, SummaryLanguage } from './summary-schema.js';

export interface SummaryTurn {
  id: string;
  speaker: 'customer' | 'agent' | 'system';
  text: string;
  at?: string;
}

export interface SummaryProduct {
  name: string;
  aliases?: string[];
  /** The knowledge base's id for it (the product document's externalId); reported with the name. */
  id?: string;
  /** The product document's title: its distinctive words become aliases too. */
  title?: string;
  /** The language the name is written in; a product known in both languages is reported in the call's. */
  language?: 'zh' | 'en';
}

export interface SummaryContext {
  language?: SummaryLanguage;
  /** Reference for relative due dates ("明天", "within 3 business days"); default now. */
  callEndedAt?: Date;
  /** IANA time zone in which the call's calendar day is read; default Asia/Shanghai (the banks we serve). */
  timeZone?: string;
  /** From the knowledge base: only these are reported as products discussed, so nothing is invented. */
  products: readonly SummaryProduct[];
  taxonomy: DispositionTaxonomy;
  /** The rule engine over the whole transcript, supplied by the caller; absent -> no findings. */
  compliance?: (turns: readonly SummaryTurn[]) => ComplianceSummary;
}
