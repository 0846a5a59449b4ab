/**
 * Rate limits, the bad-key lockout and shedding switched off, for tests and benches of other behaviour: a test
 * posting a thousand turns, a fuzz run sending bad keys or a busy CI box would otherwise meet 429s and 503s at
 * random, and a bench would count them as what it measures. test/http/protect-service.test.ts switches them on.
 */
export const protectionOff: Record<string, string> = {
  RATE_LIMIT_AGENT_PER_MINUTE: '0',
  RATE_LIMIT_KNOWLEDGE_OWNER_PER_MINUTE: '0',
  RATE_LIMIT_COMPLIANCE_PER_MINUTE: '0',
  RATE_LIMIT_ADMIN_PER_MINUTE: '0',
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0',
  AUTH_FAILURE_LIMIT: '0',
  SHED_MAX_LAG_MS: '0',
  SHED_MAX_IN_FLIGHT: '0',
  SHED_MAX_DATABASE_WAIT_MS: '0',
};
