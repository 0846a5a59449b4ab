import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Prompt {
  name: string;
  text: string;
  /** First 12 hex chars of the SHA-256 of the file: recorded with every response that used it. */
  hash: string;
}

/** Renders `{{name}}` placeholders; unknown placeholders are an error so a typo never reaches a model. */
export function renderPrompt(prompt: Prompt, values: Record<string, string>): string {
  return prompt.text.replace(/\{\{\s*([a-zA-Z0-9_]+)\s*\}\}/g, (_match, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`prompt ${prompt.name} needs a value for {{${key}}}`);
    return value;
  });
}

/** Prompts live as files in `prompts/`; each is read once and cached, since the suggestion path is latency-critical. */
export class PromptLibrary {
  readonly #directory: string;
  readonly #cache = new Map<string, Prompt>();

  constructor(directory: string) {
    this.#directory = directory;
  }

  get(name: string): Prompt {
    const cached = this.#cache.get(name);
    if (cached) return cached;
    const text = readFileSync(join(this.#directory, `${name}.md`), 'utf8');
    const prompt: Prompt = { name, text, hash: createHash('sha256').update(text).digest('hex').slice(0, 12) };
    this.#cache.set(name, prompt);
    return prompt;
  }
}
