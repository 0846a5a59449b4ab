import type { FastifyInstance } from 'fastify';
import { findUnsafeText } from '../text/find-unsafe-text.js';
import { HttpProblem } from './problem.js';

/**
 * How deeply a JSON body may nest. Our deepest real body (an inline eval suite) nests about 6 levels; thousands of
 * levels only serve to blow the stack of whatever walks the value later (validation, logging, jsonb encoding).
 */
export const maximumJsonDepth = 64;

/** The deepest nesting of arrays and objects in JSON text, counted without parsing it (stops past `limit`). */
export function jsonDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text.charCodeAt(index);
    if (inString) {
      if (character === 0x5c) index += 1; // backslash: skip the escaped character
      else if (character === 0x22) inString = false;
    } else if (character === 0x22) inString = true;
    else if (character === 0x5b || character === 0x7b) {
      depth += 1;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (character === 0x5d || character === 0x7d) depth -= 1;
  }
  return deepest;
}

/**
 * Replaces Fastify's JSON parser with one that bounds nesting and refuses NUL characters and lone surrogates
 * anywhere in the body (values and keys), each a 400 naming the field. The prototype-poisoning protection of the
 * default parser is kept: it does the parsing.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, text, done) => {
    const source = typeof text === 'string' ? text : text.toString('utf8');
    if (jsonDepth(source, maximumJsonDepth) > maximumJsonDepth) {
      done(HttpProblem.badRequest(`The JSON body nests deeper than ${maximumJsonDepth} levels.`, [{ field: 'body', message: `nests deeper than ${maximumJsonDepth} levels` }]), undefined);
      return;
    }
    parseJson(request, source, (error, value) => {
      if (error) {
        done(error, undefined);
        return;
      }
      const problem = findUnsafeText(value);
      if (problem) done(HttpProblem.badRequest(`${problem.field}: ${problem.message}`, [problem]), undefined);
      else done(null, value);
    });
  });
}
