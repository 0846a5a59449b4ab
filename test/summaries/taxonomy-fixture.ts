import { fileURLToPath } from 'node:url';
import { loadDispositionTaxonomy } from '../../src/summaries/disposition-taxonomy.js';

export const dispositionsPath = fileURLToPath(new URL('../../knowledge/dispositions.yaml', import.meta.url));
export const promptsDirectory = fileURLToPath(new URL('../../prompts', import.meta.url));

/** The shipped taxonomy: tests exercise the file knowledge owners edit, not a copy of it. */
export const taxonomy = loadDispositionTaxonomy(dispositionsPath);

/** Friday 17 May 2024, 14:00 in Shanghai. */
export const fridayAfternoon = new Date('2024-05-17T06:00:00Z');
