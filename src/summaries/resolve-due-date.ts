import { foldText } from '../text/segment-text.js';

/** A calendar day as a UTC midnight timestamp: date arithmetic without time-zone or DST surprises. */
type Day = Date;

const dayFormatters = new Map<string, Intl.DateTimeFormat>();

function calendarDay(instant: Date, timeZone: string): Day {
  let formatter = dayFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormatters.set(timeZone, formatter);
  }
  return new Date(`${formatter.format(instant)}T00:00:00Z`);
}

function addDays(day: Day, count: number): Day {
  return new Date(day.getTime() + count * 86_400_000);
}

/** Skips Saturdays and Sundays only: public holidays and 调休 make-up workdays are not modelled. */
function addBusinessDays(day: Day, count: number): Day {
  let result = day;
  let remaining = count;
  while (remaining > 0) {
    result = addDays(result, 1);
    const weekday = result.getUTCDay();
    if (weekday !== 0 && weekday !== 6) remaining -= 1;
  }
  return result;
}

/** The next given weekday strictly after `day` (0 = Sunday). */
function nextWeekday(day: Day, weekday: number): Day {
  const ahead = (weekday - day.getUTCDay() + 7) % 7 || 7;
  return addDays(day, ahead);
}

/** Chinese weeks start on Monday: 下周三 is the Wednesday of the following Monday-based week. */
function weekdayOfNextWeek(day: Day, weekday: number): Day {
  const mondayOffset = (day.getUTCDay() + 6) % 7;
  const nextMonday = addDays(day, 7 - mondayOffset);
  return addDays(nextMonday, (weekday + 6) % 7);
}

function weekdayOfThisWeek(day: Day, weekday: number): Day {
  const mondayOffset = (day.getUTCDay() + 6) % 7;
  const candidate = addDays(addDays(day, -mondayOffset), (weekday + 6) % 7);
  return candidate.getTime() < day.getTime() ? addDays(candidate, 7) : candidate;
}

function monthDay(day: Day, month: number, date: number): Day | undefined {
  if (month < 1 || month > 12 || date < 1 || date > 31) return undefined;
  let year = day.getUTCFullYear();
  let candidate = new Date(Date.UTC(year, month - 1, date));
  if (candidate.getUTCDate() !== date) return undefined;
  if (candidate.getTime() < day.getTime()) {
    year += 1;
    candidate = new Date(Date.UTC(year, month - 1, date));
  }
  return candidate;
}

function isoDay(day: Day): string {
  return day.toISOString().slice(0, 10);
}

const chineseDigits: Record<string, number> = { 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 3, 三, 十五, 二十四 -> number; anything else -> undefined. */
export function parseChineseNumber(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  if (text === '十') return 10;
  const tenAt = text.indexOf('十');
  if (tenAt >= 0) {
    const tens = tenAt === 0 ? 1 : chineseDigits[text.slice(0, tenAt)];
    const ones = tenAt === text.length - 1 ? 0 : chineseDigits[text.slice(tenAt + 1)];
    if (tens === undefined || ones === undefined || text.length > 3) return undefined;
    return tens * 10 + ones;
  }
  return text.length === 1 ? chineseDigits[text] : undefined;
}

const englishNumbers: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, fourteen: 14, fifteen: 15, twenty: 20, thirty: 30,
};

function parseEnglishNumber(text: string): number | undefined {
  return /^\d+$/.test(text) ? Number(text) : englishNumbers[text];
}

const chineseWeekdays: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 0, 天: 0, '1': 1, '2': 2, '3': 3, '4': 4, '5': 5, '6': 6, '7': 0 };
const englishWeekdays: Record<string, number> = {
  sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6,
};
const englishMonths: Record<string, number> = {
  january: 1, february: 2, march: 3, april: 4, may: 5, june: 6, july: 7, august: 8, september: 9, october: 10,
  november: 11, december: 12, jan: 1, feb: 2, mar: 3, apr: 4, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10,
  nov: 11, dec: 12,
};

const zhNumber = '(\\d{1,3}|[零一二两三四五六七八九十]{1,3})';
const enNumber = '(\\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|twenty|thirty)';

interface DueRule {
  pattern: RegExp;
  resolve: (match: RegExpExecArray, today: Day, reference: Date, timeZone: string) => Day | undefined;
}

function number(match: RegExpExecArray, group: number, parse: (text: string) => number | undefined): number | undefined {
  const text = match[group];
  return text === undefined ? undefined : parse(text);
}

const rules: DueRule[] = [
  // Chinese
  {
    pattern: new RegExp(`${zhNumber}个?(?:工作日|营业日)`, 'u'),
    resolve: (match, today) => {
      const count = number(match, 1, parseChineseNumber);
      return count === undefined ? undefined : addBusinessDays(today, count);
    },
  },
  {
    pattern: new RegExp(`${zhNumber}个?(?:小时|钟头)`, 'u'),
    resolve: (match, _today, reference, timeZone) => {
      const hours = number(match, 1, parseChineseNumber);
      return hours === undefined ? undefined : calendarDay(new Date(reference.getTime() + hours * 3_600_000), timeZone);
    },
  },
  {
    pattern: new RegExp(`${zhNumber}(?:个)?(?:自然日|天|日)(?:之内|以内|内|后|之后)`, 'u'),
    resolve: (match, today) => {
      const count = number(match, 1, parseChineseNumber);
      return count === undefined ? undefined : addDays(today, count);
    },
  },
  {
    pattern: new RegExp(`${zhNumber}(?:个)?(?:星期|周|礼拜)(?:之内|以内|内|后)`, 'u'),
    resolve: (match, today) => {
      const count = number(match, 1, parseChineseNumber);
      return count === undefined ? undefined : addDays(today, count * 7);
    },
  },
  {
    pattern: /(\d{1,2})月(\d{1,2})[日号]/u,
    resolve: (match, today) => monthDay(today, Number(match[1]), Number(match[2])),
  },
  { pattern: /大后天/u, resolve: (_match, today) => addDays(today, 3) },
  { pattern: /后天/u, resolve: (_match, today) => addDays(today, 2) },
  { pattern: /明天|明日|明早|明晚/u, resolve: (_match, today) => addDays(today, 1) },
  { pattern: /今天|今日|今晚|当天|下班前/u, resolve: (_match, today) => today },
  {
    pattern: /下(?:个)?(?:周|星期|礼拜)([一二三四五六日天1-7])/u,
    resolve: (match, today) => {
      const weekday = match[1] === undefined ? undefined : chineseWeekdays[match[1]];
      return weekday === undefined ? undefined : weekdayOfNextWeek(today, weekday);
    },
  },
  {
    pattern: /(?:本|这|这个)?(?:周|星期|礼拜)([一二三四五六日天1-7])/u,
    resolve: (match, today) => {
      const weekday = match[1] === undefined ? undefined : chineseWeekdays[match[1]];
      return weekday === undefined ? undefined : weekdayOfThisWeek(today, weekday);
    },
  },
  {
    pattern: /(?:本月|这个月)?月底/u,
    resolve: (_match, today) => new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 1, 0)),
  },
  // English
  {
    pattern: new RegExp(`\\b${enNumber}(?:-|\\s)(?:business|working|bank)(?:-|\\s)days?\\b`, 'u'),
    resolve: (match, today) => {
      const count = number(match, 1, parseEnglishNumber);
      return count === undefined ? undefined : addBusinessDays(today, count);
    },
  },
  {
    pattern: new RegExp(`\\b(?:within|in|next)\\s+(?:the\\s+next\\s+)?${enNumber}(?:-|\\s)hours?\\b`, 'u'),
    resolve: (match, _today, reference, timeZone) => {
      const hours = number(match, 1, parseEnglishNumber);
      return hours === undefined ? undefined : calendarDay(new Date(reference.getTime() + hours * 3_600_000), timeZone);
    },
  },
  {
    pattern: new RegExp(`\\b(?:within|in|next)\\s+(?:the\\s+next\\s+)?${enNumber}(?:-|\\s)(?:calendar\\s+)?days?\\b`, 'u'),
    resolve: (match, today) => {
      const count = number(match, 1, parseEnglishNumber);
      return count === undefined ? undefined : addDays(today, count);
    },
  },
  {
    pattern: new RegExp(`\\b(?:within|in|next)\\s+(?:the\\s+next\\s+)?${enNumber}(?:-|\\s)weeks?\\b`, 'u'),
    resolve: (match, today) => {
      const count = number(match, 1, parseEnglishNumber);
      return count === undefined ? undefined : addDays(today, count * 7);
    },
  },
  { pattern: /\bday after tomorrow\b/u, resolve: (_match, today) => addDays(today, 2) },
  { pattern: /\btomorrow\b/u, resolve: (_match, today) => addDays(today, 1) },
  { pattern: /\b(?:today|tonight|end of (?:the )?day|eod|close of business)\b/u, resolve: (_match, today) => today },
  {
    pattern: /\b(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b/u,
    resolve: (match, today) => {
      const month = match[1] === undefined ? undefined : englishMonths[match[1]];
      return month === undefined ? undefined : monthDay(today, month, Number(match[2]));
    },
  },
  {
    // "next Monday" is read as the coming Monday, as most US/UK callers mean it.
    pattern: /\b(?:by|on|this|next|before|until|till|coming)\s+(sunday|monday|tuesday|wednesday|thursday|friday|saturday)\b/u,
    resolve: (match, today) => {
      const weekday = match[1] === undefined ? undefined : englishWeekdays[match[1]];
      return weekday === undefined ? undefined : nextWeekday(today, weekday);
    },
  },
  {
    pattern: /\b(?:by|before|at) the end of (?:the|this) month\b/u,
    resolve: (_match, today) => new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 1, 0)),
  },
];

export interface DueDateOptions {
  /** The call's time: "明天" means the day after this instant's calendar day in `timeZone`. */
  reference: Date;
  timeZone?: string;
}

export interface ResolvedDueDate {
  date: string;
  phrase: string;
}

/**
 * Finds the earliest time expression in `text` that names a definite day and resolves it to YYYY-MM-DD.
 * Vague ones ("尽快", "soon", "下周") resolve to nothing: the caller keeps the phrase in the text instead.
 */
export function findDueDate(text: string, options: DueDateOptions): ResolvedDueDate | undefined {
  const folded = foldText(text);
  const timeZone = options.timeZone ?? 'Asia/Shanghai';
  let best: { index: number; match: RegExpExecArray; rule: DueRule } | undefined;
  for (const rule of rules) {
    const match = rule.pattern.exec(folded);
    if (match && (!best || match.index < best.index)) best = { index: match.index, match, rule };
  }
  if (!best) return undefined;
  const today = calendarDay(options.reference, timeZone);
  const day = best.rule.resolve(best.match, today, options.reference, timeZone);
  return day ? { date: isoDay(day), phrase: best.match[0] } : undefined;
}

export function resolveDueDate(text: string, options: DueDateOptions): string | undefined {
  return findDueDate(text, options)?.date;
}
