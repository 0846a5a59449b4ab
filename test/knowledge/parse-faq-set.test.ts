import { describe, expect, it } from 'vitest';
import type { IngestError } from '../../src/knowledge/ingest-error.js';
import { parseFaqSet } from '../../src/knowledge/parse-faq-set.js';

function errorOf(format: 'csv' | 'jsonl', body: string): IngestError {
  try {
    parseFaqSet(format, body);
  } catch (error) {
    return error as IngestError;
  }
  throw new Error('expected parseFaqSet to throw');
}

describe('parseFaqSet (csv)', () => {
  it('reads rows with a BOM, several phrasings, tags and quoted multi-line cells', () => {
    const body = [
      '\ufeffid,question,answer,product,tags',
      'fee-1,"信用卡年费多少？|年费怎么收",金卡年费200元。,金卡,"费用，年费;金卡"',
      'fee-2,"How is the late fee charged?',
      'What is the late fee?","The late fee is 5% of the minimum payment.',
      '',
      'It is charged once per statement.",,',
    ].join('\r\n');
    expect(parseFaqSet('csv', body)).toEqual([
      { id: 'fee-1', questions: ['信用卡年费多少？', '年费怎么收'], answer: '金卡年费200元。', product: '金卡', tags: ['费用', '年费', '金卡'], line: 2 },
      {
        id: 'fee-2',
        questions: ['How is the late fee charged?', 'What is the late fee?'],
        answer: 'The late fee is 5% of the minimum payment.\n\nIt is charged once per statement.',
        line: 3,
      },
    ]);
  });

  it('accepts several question columns and Chinese headers', () => {
    const body = '编号,问题1,问题2,答案\nq1,怎么挂失？,卡丢了怎么办,请拨打客服热线挂失。\n';
    expect(parseFaqSet('csv', body)).toEqual([{ id: 'q1', questions: ['怎么挂失？', '卡丢了怎么办'], answer: '请拨打客服热线挂失。', line: 2 }]);
  });

  it.each([
    ['id,question,product\n1,q,p\n', 'answer', "CSV is missing the required column 'answer'"],
    ['question,answer\nq,a\n', 'id', "CSV is missing the required column 'id'"],
    ['id,answer\n1,a\n', 'question', "CSV is missing the required column 'question' (or 'questions')"],
  ])('names a missing column', (body, field, message) => {
    expect(errorOf('csv', body)).toMatchObject({ code: 'missing_column', field, message });
  });

  it('names the row and line of a row with an empty required cell', () => {
    const body = 'id,question,answer\n1,"q\nmore",a\n2,q2,a2\n,q3,a3\n';
    expect(errorOf('csv', body)).toMatchObject({ code: 'invalid_row', field: 'id', line: 5, message: "row 3 (line 5): 'id' is empty" });
    expect(errorOf('csv', 'id,question,answer\n1,q,\n').message).toBe("row 1 (line 2): 'answer' is empty");
  });

  it('rejects a row with more fields than the header', () => {
    expect(errorOf('csv', 'id,question,answer\n1,q,a,extra\n')).toMatchObject({ code: 'invalid_row', line: 2 });
  });

  it('rejects duplicate ids naming the id and both rows', () => {
    const error = errorOf('csv', 'id,question,answer\nA1,q,a\nA2,q,a\nA1,q,a\n');
    expect(error).toMatchObject({ code: 'duplicate_id', field: 'id', line: 4 });
    expect(error.message).toBe("id 'A1' is used twice: row 1 (line 2) and row 3 (line 4)");
  });

  it('reports an unclosed quote with its line', () => {
    expect(errorOf('csv', 'id,question,answer\n1,"q,a\n2,q,a\n')).toMatchObject({ code: 'invalid_row' });
  });

  it('reads semicolon- and tab-separated files', () => {
    expect(parseFaqSet('csv', 'id;question;answer\n1;q;a\n')[0]?.answer).toBe('a');
    expect(parseFaqSet('csv', 'id\tquestion\tanswer\n1\tq\ta, b\n')[0]?.answer).toBe('a, b');
  });

  it('rejects a header-only file as empty', () => {
    expect(errorOf('csv', 'id,question,answer\n').code).toBe('empty_document');
    expect(errorOf('csv', '').code).toBe('empty_document');
  });
});

describe('parseFaqSet (jsonl)', () => {
  it('reads questions arrays, a single question, numeric ids and blank lines', () => {
    const body = '\ufeff{"id":"a","questions":["年费多少？","年费怎么收？"],"answer":"200元。","tags":["费用"]}\n\n{"id":7,"question":"Late fee?","answer":"5%.","product":"Gold"}\n';
    expect(parseFaqSet('jsonl', body)).toEqual([
      { id: 'a', questions: ['年费多少？', '年费怎么收？'], answer: '200元。', tags: ['费用'], line: 1 },
      { id: '7', questions: ['Late fee?'], answer: '5%.', product: 'Gold', line: 3 },
    ]);
  });

  it('names the line of broken JSON', () => {
    const error = errorOf('jsonl', '{"id":"a","question":"q","answer":"x"}\n{"id":"b","question":"q",\n');
    expect(error).toMatchObject({ code: 'invalid_json', line: 2 });
    expect(error.message).toMatch(/^line 2 is not valid JSON/);
  });

  it('rejects rows that are not objects, miss a field or have the wrong types', () => {
    expect(errorOf('jsonl', '[1,2]\n')).toMatchObject({ code: 'invalid_row', line: 1 });
    expect(errorOf('jsonl', '{"id":"a","question":"q"}\n')).toMatchObject({ code: 'invalid_row', field: 'answer', message: "row 1 (line 1): 'answer' is missing" });
    expect(errorOf('jsonl', '{"id":"a","questions":[1],"answer":"x"}\n')).toMatchObject({ code: 'invalid_row', field: 'questions' });
    expect(errorOf('jsonl', '{"id":"a","questions":[],"answer":"x"}\n')).toMatchObject({ code: 'invalid_row', field: 'question' });
  });

  it('rejects duplicate ids', () => {
    expect(errorOf('jsonl', '{"id":"a","question":"q","answer":"x"}\n{"id":"a","question":"q","answer":"x"}').code).toBe('duplicate_id');
  });

  it('refuses a NUL or a lone surrogate written as a JSON escape, naming the row', () => {
    const nul = errorOf('jsonl', '{"id":"a","question":"q","answer":"x"}\n{"id":"b","question":"q\\u0000","answer":"x"}');
    expect(nul.code).toBe('invalid_row');
    expect(nul.message).toMatch(/row 2 .*'questions.0' contains a NUL/);
    expect(errorOf('jsonl', '{"id":"a","question":"q","answer":"\\ud800"}').message).toContain('surrogate');
  });
});
