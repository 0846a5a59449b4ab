import { understandingData } from '../understanding/understanding-data.js';

// "会不会", "能不能", "有没有": the A-not-A question, whatever verb it is built on.
const aNotA = /([\u4e00-\u9fff])[不没]\1/gu;
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
let questionWords: RegExp | undefined;

/**
 * What a heading says its section is about: the heading with its question words blanked out. A heading often quotes
 * the customer's question (客户追问“会不会亏”, "How do I stop it?"); its question words name no topic, and counted as
 * one, a question asked with the same words ("会不会扣我钱？") would find an unrelated section about its topic.
 * The question words are the turn cues' (turn-cues.yaml), so a heading and a customer's turn are read alike.
 */
export function headingTopic(heading: string): string {
  if (!questionWords) {
    const { question } = understandingData().cues;
    const chinese = question.zh.filter((word) => word.length >= 2).map(escape);
    const english = question.en.map((word) => `(?<![a-z])${escape(word.toLowerCase())}(?![a-z])`);
    questionWords = new RegExp([...chinese, ...english].join('|'), 'giu');
  }
  return heading.replace(aNotA, (found) => ' '.repeat(found.length)).replace(questionWords, (found) => ' '.repeat(found.length));
}
