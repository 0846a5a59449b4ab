import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { IngestError } from './ingest-error.js';
import type { Block, ParsedDocument } from './knowledge-types.js';
import { blocksToText, collapseWhitespace } from './parse-text-lines.js';

/** The slice of the DOM this parser uses (the project compiles without the DOM lib). */
interface DomNode {
  nodeType: number;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
}
interface DomElement extends DomNode {
  tagName: string;
  children: ArrayLike<DomElement>;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  closest(selector: string): DomElement | null;
  remove(): void;
}
interface DomDocument {
  title: string;
  body: DomElement | null;
  documentElement: DomElement;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  toString(): string;
}

const elementNode = 1;
const textNode = 3;
const noise = [
  'script', 'style', 'noscript', 'template', 'iframe', 'object', 'embed', 'svg', 'canvas', 'nav', 'footer', 'aside',
  'form', 'button', 'select', 'input', 'textarea', 'dialog', '[role="navigation"]', '[role="banner"]',
  '[role="contentinfo"]', '[role="complementary"]', '[role="search"]', '[aria-hidden="true"]', '[hidden]',
].join(',');
const containers = new Set([
  'div', 'section', 'article', 'main', 'header', 'blockquote', 'dl', 'dt', 'dd', 'figure', 'figcaption', 'ul', 'ol',
  'body', 'details', 'summary', 'center', 'address', 'hgroup', 'tbody', 'thead', 'tfoot',
]);
const headingTag = /^h([1-6])$/u;

function loadDocument(html: string): DomDocument {
  return (parseHTML(html) as unknown as { document: DomDocument }).document;
}

function removeNoise(document: DomDocument): void {
  for (const element of Array.from(document.querySelectorAll(noise))) element.remove();
  // A page-level <header> is the site banner; a <header> inside the article holds its title.
  for (const header of Array.from(document.querySelectorAll('header'))) {
    if (!header.closest('main, article')) header.remove();
  }
  // Readability renames h1 to h2; the original level is kept on the element so the heading path survives.
  for (const heading of Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6'))) {
    heading.setAttribute('data-level', heading.tagName.slice(1));
  }
}

function textOf(node: DomNode): string {
  return collapseWhitespace(node.textContent ?? '');
}

class BlockCollector {
  readonly blocks: Block[] = [];
  private inline = '';

  walk(parent: DomNode): void {
    for (const node of Array.from(parent.childNodes)) {
      if (node.nodeType === textNode) this.inline += node.textContent ?? '';
      else if (node.nodeType === elementNode) this.element(node as DomElement);
    }
  }

  flush(): void {
    const text = collapseWhitespace(this.inline);
    this.inline = '';
    if (text !== '') this.blocks.push({ type: 'paragraph', text });
  }

  private element(element: DomElement): void {
    const tag = element.tagName.toLowerCase();
    const heading = headingTag.exec(tag);
    if (heading) {
      this.flush();
      const text = textOf(element);
      const level = Number(element.getAttribute('data-level') ?? heading[1]);
      if (text !== '') this.blocks.push({ type: 'heading', text, level });
    } else if (tag === 'p') {
      this.flush();
      this.walk(element);
      this.flush();
    } else if (tag === 'li') {
      this.listItem(element);
    } else if (tag === 'table') {
      this.table(element);
    } else if (tag === 'pre') {
      this.flush();
      const text = (element.textContent ?? '').replace(/\s+$/u, '').replace(/^\n+/u, '');
      if (text.trim() !== '') this.blocks.push({ type: 'code', text });
    } else if (tag === 'br' || tag === 'hr') {
      this.inline += ' ';
    } else if (containers.has(tag)) {
      this.flush();
      this.walk(element);
      this.flush();
    } else {
      this.walk(element);
    }
  }

  private listItem(element: DomElement): void {
    this.flush();
    const nested: DomElement[] = [];
    let text = '';
    for (const node of Array.from(element.childNodes)) {
      const tag = node.nodeType === elementNode ? (node as DomElement).tagName.toLowerCase() : '';
      if (tag === 'ul' || tag === 'ol') nested.push(node as DomElement);
      else text += ` ${node.textContent ?? ''}`;
    }
    const collapsed = collapseWhitespace(text);
    if (collapsed !== '') this.blocks.push({ type: 'list-item', text: collapsed });
    for (const list of nested) this.walk(list);
  }

  private table(table: DomElement): void {
    this.flush();
    const rows = Array.from(table.querySelectorAll('tr')).filter((row) => row.closest('table') === table);
    const cellsOf = (row: DomElement): DomElement[] =>
      Array.from(row.children).filter((cell) => /^t[hd]$/u.test(cell.tagName.toLowerCase()));
    // A table of one column is page layout, not data: read it as ordinary content.
    if (rows.every((row) => cellsOf(row).length <= 1)) {
      for (const row of rows) for (const cell of cellsOf(row)) {
        this.walk(cell);
        this.flush();
      }
      return;
    }
    let tableHeader: string | undefined;
    for (const row of rows) {
      const cells = cellsOf(row);
      const text = cells.map(textOf).join(' | ');
      if (cells.length === 0 || text.replace(/[|\s]/gu, '') === '') continue;
      const isHeader = tableHeader === undefined && (row.closest('thead') !== null || cells.every((cell) => cell.tagName.toLowerCase() === 'th'));
      if (isHeader) tableHeader = text;
      else this.blocks.push(tableHeader === undefined ? { type: 'table-row', text } : { type: 'table-row', text, tableHeader });
    }
  }
}

/**
 * The page's main content. A single <main> or <article> holding most of the text is the author's own answer
 * and skips Readability (which costs ~1 ms per KB); otherwise Readability's choice, unless it dropped most
 * of the (already de-noised) page, which happens on short pages.
 */
function mainContent(document: DomDocument): DomNode | undefined {
  const body = document.body ?? document.documentElement;
  const bodyLength = textOf(body).length;
  for (const selector of ['main', 'article']) {
    const candidates = document.querySelectorAll(selector);
    const only = candidates.length === 1 ? candidates[0] : undefined;
    if (only && textOf(only).length >= bodyLength * 0.7) return only;
  }
  try {
    const article = new Readability(loadDocument(document.toString()) as never, { charThreshold: 100 }).parse();
    if (article?.content) {
      const articleBody = loadDocument(`<!doctype html><html><body>${article.content}</body></html>`).body;
      if (articleBody && textOf(articleBody).length >= bodyLength * 0.5) return articleBody;
    }
  } catch {
    // Readability gives up on odd markup; the de-noised body is still a good answer.
  }
  return body;
}

/** HTML -> main text blocks: headings keep their level, table rows keep their header row. */
/**
 * How deeply elements may nest. Content extraction slows down faster than linearly with depth (measured: 160 levels
 * 0.7 s, 500 levels 4.6 s, 2,000 levels 2 minutes, all of it blocking the server); real pages nest 20-40 levels.
 */
export const maximumHtmlDepth = 100;

/** Elements without an end tag, or whose end tag may be left out: they never count as open in the raw scan. */
const unclosedElements = new Set([
  'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr',
  'p', 'li', 'dt', 'dd', 'option', 'optgroup', 'tr', 'td', 'th', 'thead', 'tbody', 'tfoot', 'colgroup', 'rt', 'rp',
  'html', 'head', 'body', '!doctype',
]);

/**
 * Tag nesting counted on the raw text, so a pathological page is refused before the DOM parser, which itself slows
 * down faster than linearly (100,000 nested divs: 15 s). Generous on purpose (a tag left unclosed overcounts):
 * the DOM check below holds the real limit.
 */
function rawNestingDepth(source: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  for (const match of source.matchAll(/<(\/?)([a-zA-Z!][\w:-]*)[^>]*?(\/?)>/g)) {
    const name = match[2]!.toLowerCase();
    if (unclosedElements.has(name) || match[3] === '/') continue;
    if (match[1] === '/') depth = Math.max(0, depth - 1);
    else if (++depth > deepest) {
      deepest = depth;
      if (deepest > limit) return deepest;
    }
  }
  return deepest;
}

/** The deepest element nesting under `root`, walked without recursion (stops once past `limit`). */
function elementDepth(root: DomElement, limit: number): number {
  let deepest = 0;
  const stack: [DomElement, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [element, depth] = stack.pop()!;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    for (const child of Array.from(element.children)) stack.push([child, depth + 1]);
  }
  return deepest;
}

export function parseHtml(source: string): ParsedDocument {
  // linkedom makes the first element of a bare fragment the document element; give it a body to live in.
  const isFragment = !/<(?:html|body)[\s>]/iu.test(source);
  const tooDeep = new IngestError('too_deep', `the HTML nests elements deeper than ${maximumHtmlDepth} levels; flatten the page (real pages nest 20-40 levels)`);
  if (rawNestingDepth(source, maximumHtmlDepth * 10) > maximumHtmlDepth * 10) throw tooDeep;
  const document = loadDocument(isFragment ? `<!doctype html><html><body>${source}</body></html>` : source);
  if (elementDepth(document.documentElement, maximumHtmlDepth) > maximumHtmlDepth) throw tooDeep;
  const pageTitle = collapseWhitespace(document.title ?? '');
  removeNoise(document);
  const collector = new BlockCollector();
  const root = mainContent(document);
  if (root) collector.walk(root);
  collector.flush();
  const blocks = collector.blocks;
  if (blocks.length === 0) throw new IngestError('empty_document', 'the HTML page has no main text');
  const title = pageTitle !== '' ? pageTitle : blocks.find((block) => block.type === 'heading' && block.level === 1)?.text;
  return { metadata: title === undefined ? {} : { title }, blocks, text: blocksToText(blocks) };
}
