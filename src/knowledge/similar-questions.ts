/**
 * Similar questions (相似问): the phrasings a FAQ row answers. Two phrasings are the same when they differ
 * only in width, case, spaces or punctuation ("信用卡怎么还款？" and "信用卡怎么还款"), so duplicates are found
 * on this key and the stored text keeps what the author wrote.
 */
export function questionKey(question: string): string {
  return question.normalize('NFKC').toLowerCase().replace(/[\p{P}\p{S}\s]+/gu, '');
}

/** The longest phrasing accepted: a question, not a passage (a customer's turn is cut to this when proposed). */
export const maximumQuestionCharacters = 500;

export interface QuestionEdit {
  question: string;
  action: 'add' | 'remove';
}

/**
 * A FAQ file's phrasings with the knowledge owner's edits on top (in the order they were made): what was
 * removed stays out and what was added stays in when the same file is ingested again. Edits never leave a row
 * without a question: the file's phrasings are kept if every one of them was removed.
 */
export function applyQuestionEdits(questions: readonly string[], edits: readonly QuestionEdit[]): string[] {
  const removed = new Set(edits.filter((edit) => edit.action === 'remove').map((edit) => questionKey(edit.question)));
  const result: string[] = [];
  const seen = new Set<string>();
  const add = (question: string) => {
    const key = questionKey(question);
    if (key === '' || seen.has(key) || removed.has(key)) return;
    seen.add(key);
    result.push(question);
  };
  for (const question of questions) add(question);
  for (const edit of edits) if (edit.action === 'add') add(edit.question);
  return result.length > 0 ? result : [...questions];
}
