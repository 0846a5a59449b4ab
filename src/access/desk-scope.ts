import type { Principal } from './api-key-service.js';

/** Which conversations a caller may see and act on: every one, or only those of one desk. */
export interface DeskScope {
  desk?: string;
}

/**
 * An agent key bound to a desk sees only that desk's conversations. Unbound agent keys see every conversation,
 * as before desks existed (so a deployment that does not use desks is unchanged); admins and compliance staff
 * always see all.
 */
export function deskScope(principal: Principal | undefined): DeskScope {
  return principal?.role === 'agent' && principal.desk !== undefined ? { desk: principal.desk } : {};
}
