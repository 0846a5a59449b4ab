// tsc only emits JavaScript; the SQL migrations and the personal-data word lists are read at run time next to the compiled code.
import { cpSync, mkdirSync } from 'node:fs';
mkdirSync('dist/db/migrations', { recursive: true });
cpSync('src/db/migrations', 'dist/db/migrations', { recursive: true, filter: (path) => !path.endsWith('.ts') });
mkdirSync('dist/privacy', { recursive: true });
cpSync('src/privacy/personal-data.yaml', 'dist/privacy/personal-data.yaml');
mkdirSync('dist/retrieval', { recursive: true });
cpSync('src/retrieval/retrieval-model.json', 'dist/retrieval/retrieval-model.json');
