/** A rule pack that cannot be loaded. Never swallowed: a bad pack must not silently disable checks. */
export class RulePackError extends Error {
  readonly code = 'invalid_rule_pack';
  readonly file: string;
  readonly ruleId: string | undefined;

  constructor(file: string, ruleId: string | undefined, detail: string) {
    super(`${file}${ruleId ? ` rule ${ruleId}` : ''}: ${detail}`);
    this.name = 'RulePackError';
    this.file = file;
    this.ruleId = ruleId;
  }
}
