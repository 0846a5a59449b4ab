import type { EvalReport } from '../eval-report.js';
import { renderHtmlReport } from './render-html-report.js';
import { renderJsonReport } from './render-json-report.js';
import { renderJunitReport } from './render-junit-report.js';
import { renderMarkdownReport } from './render-markdown-report.js';

export const reportFormats = ['json', 'junit', 'html', 'markdown'] as const;
export type ReportFormat = (typeof reportFormats)[number];

export const reportFiles: Record<ReportFormat, { extension: string; contentType: string }> = {
  json: { extension: 'json', contentType: 'application/json; charset=utf-8' },
  junit: { extension: 'junit.xml', contentType: 'application/xml; charset=utf-8' },
  html: { extension: 'html', contentType: 'text/html; charset=utf-8' },
  markdown: { extension: 'md', contentType: 'text/markdown; charset=utf-8' },
};

export function renderReport(report: EvalReport, format: ReportFormat): string {
  switch (format) {
    case 'json':
      return renderJsonReport(report);
    case 'junit':
      return renderJunitReport(report);
    case 'html':
      return renderHtmlReport(report);
    case 'markdown':
      return renderMarkdownReport(report);
  }
}
