/**
 * Approved copy (话术) used by the suggestion pipeline in code: the safe hand-over reply and the anti-fraud
 * reminders for vulnerable and elderly customers. Compliance staff approved this wording; change it only with
 * their sign-off, and in both languages at once.
 */
export type WordingLanguage = 'zh' | 'en';

const handover: Record<WordingLanguage, string> = {
  zh: '这个问题我需要为您核实一下，稍后给您准确答复，或者为您转接专员。',
  en: 'Let me check that for you and come back with an accurate answer, or put you through to a specialist.',
};

/** What an agent can always say when the knowledge base does not answer: it promises nothing but a check. */
export function handoverReply(language: WordingLanguage): string {
  return handover[language];
}

export type ReminderTopic = 'security' | 'investment';

const reminders: Record<ReminderTopic, Record<WordingLanguage, string>> = {
  security: {
    zh: '温馨提醒：银行工作人员不会向您索要密码或验证码，也不会让您把钱转到所谓的安全账户，有疑问请挂断后拨打本行客服热线核实。',
    en: 'A quick reminder: bank staff will never ask for your password or a verification code, or ask you to move money to a so-called safe account; if in doubt, hang up and call us back on our official number.',
  },
  investment: {
    zh: '温馨提醒：投资有风险，请不要轻信高收益承诺，拿不准的时候可以和家人商量后再决定。',
    en: 'A quick reminder: investments carry risk, so please be wary of anyone promising high returns, and feel free to talk it over with your family before you decide.',
  },
};

// Where a reminder is relevant: money leaving the account, one-time codes, account security, investments.
const topicPatterns: Record<ReminderTopic, RegExp> = {
  security: /转账|汇款|转钱|打款|验证码|密码|安全账户|账户安全|冻结|解冻|盗刷|诈骗|被骗|挂失|transfer|remit|wire|verification code|one-time|otp|password|\bpin\b|safe account|frozen|freeze|fraud|scam|stolen/iu,
  investment: /理财|基金|投资|收益|保本|利息高|高息|保险|股票|investment|invest|\bfunds?\b|returns?|yield|interest rate|shares|stocks?|annuit/iu,
};

// A reply that already warns about this (often an appended disclosure) needs no second reminder.
const alreadyWarned: Record<ReminderTopic, RegExp> = {
  security: /安全账户|验证码|诈骗|反诈|safe account|verification code|one-time code|fraud|scam/iu,
  investment: /投资有风险|不保本|不保证收益|高收益|not guaranteed|not principal-protected|carr(?:y|ies) risk|high returns/iu,
};

/**
 * The one reminder that fits what was talked about (customer turns and the reply), security first: one is
 * enough, since a long reply is exactly what an elderly customer on the phone cannot follow.
 */
export function antiFraudReminder(language: WordingLanguage, conversationText: string, reply: string): string | undefined {
  for (const topic of ['security', 'investment'] as const) {
    if (!topicPatterns[topic].test(`${conversationText}\n${reply}`)) continue;
    return alreadyWarned[topic].test(reply) ? undefined : reminders[topic][language];
  }
  return undefined;
}

const namedHandover: Record<WordingLanguage, (topic: string) => string> = {
  zh: (topic) => `我先帮您核实一下${topic}的具体规定，稍后给您准确答复，或者为您转接专员。`,
  en: (topic) => `Let me check the exact rules on ${topic} for you and come back with an accurate answer, or put you through to a specialist.`,
};

/**
 * The hand-over that says what it will check ("我先帮您核实一下年费减免的具体规定…"): the topic words come from the
 * customer's question and also appear in the card it cites. Without topic words it is the plain hand-over.
 */
export function namedHandoverReply(language: WordingLanguage, topicWords: readonly string[]): string {
  if (topicWords.length === 0) return handover[language];
  return namedHandover[language](language === 'zh' ? topicWords.join('、') : topicWords.join(', '));
}

const clarifying: Record<WordingLanguage, string> = {
  zh: '不好意思，请问您具体想咨询哪方面的业务呢？您说一下，我马上帮您查。',
  en: "Sorry, could you tell me a little more about what you'd like help with? I'll look it up for you straight away.",
};

/** For a turn with nothing to answer (filler only, or an instruction to the system): ask, promise nothing. */
export function clarifyingReply(language: WordingLanguage): string {
  return clarifying[language];
}
