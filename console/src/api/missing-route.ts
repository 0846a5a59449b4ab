import { ProblemError } from './problem-error';

/**
 * True when the server has no such route at all (an older or differently built service), as opposed to a 404 for
 * a missing document on a route it has: the service's catch-all answers "No route <METHOD> <path>". Views built on
 * routes a deployment may lack show "not available on this server" instead of an error.
 */
export function isMissingRoute(error: unknown): boolean {
  return error instanceof ProblemError && error.status === 404 && /^No route /.test(error.problem.detail);
}
