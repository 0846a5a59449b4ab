// tsc only emits JavaScript; the SQL migrations and the personal-data word lists are read at run time next to the compiled code.
import { cpSync, mkdirSync } from 'node:fs';
mkdirSync('dist/db/migrations', { recursive: true });
cpSync('src/db/migrations', 'dist/db/migrations', { recursive: true, filter: (path) => !path.endsWith('.ts') });
mkdirSync('dist/privacy', { recursive: true });
cpSync('src/privacy/personal-data.yaml', 'dist/privacy/personal-data.yaml');
mkdirSync('dist/retrieval', { recursive: true });
cpSync('src/retrieval/retrieval-model.json', 'dist/retrieval/retrieval-model.json');
// The understanding word families and the fitted relevance cut-off are data read next to the compiled code.
mkdirSync('dist/understanding', { recursive: true });
cpSync('src/understanding/turn-cues.yaml', 'dist/understanding/turn-cues.yaml');
cpSync('src/understanding/situations.yaml', 'dist/understanding/situations.yaml');
cpSync('src/understanding/product-categories.yaml', 'dist/understanding/product-categories.yaml');
cpSync('src/understanding/sound-alikes.yaml', 'dist/understanding/sound-alikes.yaml');
cpSync('src/understanding/jurisdiction-cues.yaml', 'dist/understanding/jurisdiction-cues.yaml');
cpSync('src/understanding/story-cut-offs.json', 'dist/understanding/story-cut-offs.json');
cpSync('src/understanding/call-jurisdiction-fit.json', 'dist/understanding/call-jurisdiction-fit.json');
// The summary's contact-reason categories and call-outcome word families, likewise.
mkdirSync('dist/summaries', { recursive: true });
cpSync('src/summaries/contact-reasons.yaml', 'dist/summaries/contact-reasons.yaml');
cpSync('src/summaries/call-outcome-cues.yaml', 'dist/summaries/call-outcome-cues.yaml');
cpSync('src/suggestions/answer-relevance.json', 'dist/suggestions/answer-relevance.json');
cpSync('src/suggestions/passage-coverage.json', 'dist/suggestions/passage-coverage.json');
cpSync('src/suggestions/topic-disclosures.yaml', 'dist/suggestions/topic-disclosures.yaml');
cpSync('src/suggestions/term-equivalents.yaml', 'dist/suggestions/term-equivalents.yaml');
cpSync('src/suggestions/base-wording.json', 'dist/suggestions/base-wording.json');
cpSync('src/suggestions/handover-wording.yaml', 'dist/suggestions/handover-wording.yaml');
cpSync('src/suggestions/asked-variants.yaml', 'dist/suggestions/asked-variants.yaml');
// The knowledge-gap grouping's fitted cut-off.
mkdirSync('dist/knowledge', { recursive: true });
cpSync('src/knowledge/gap-clustering.json', 'dist/knowledge/gap-clustering.json');
