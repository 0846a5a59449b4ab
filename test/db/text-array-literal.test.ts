import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toTextArrayLiteral } from '../../src/db/text-array-literal.js';
import { adapterKinds, createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** Lists whose elements Postgres's array syntax would read otherwise if they were not quoted and escaped. */
const lists: string[][] = [
  [],
  [''],
  ['NULL', 'null'],
  ['信用卡 > 年费', '白金卡'],
  ['a,b', '{x}', ' leading and trailing ', '\ttab\nnewline'],
  ['quote "inside"', 'back\\slash', '\\"', '"', '\\'],
  ['😀 emoji', 'ＡＰＲ full width'],
];

describe.each(adapterKinds)('text array literals (%s)', (kind) => {
  let testDatabase: TestDatabase;
  beforeAll(async () => {
    testDatabase = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await testDatabase?.close();
  });

  it('give back each list as it was, one per row of a multi-row statement', async () => {
    const result = await testDatabase.database.query<{ ordinal: number; list: string[] }>(
      'select data.ordinal, data.list::text[] as list from unnest($1::int[], $2::text[]) as data(ordinal, list) order by data.ordinal',
      [lists.map((_, index) => index), lists.map(toTextArrayLiteral)],
    );
    expect(result.rows.map((row) => row.list)).toEqual(lists);
  });
});
