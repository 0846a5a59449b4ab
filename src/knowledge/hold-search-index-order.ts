import type { Queryable } from '../db/database.js';

/**
 * Takes, as a knowledge write's first statement, the lock the change-note trigger takes before it writes a note
 * (migration 025): notes are then numbered in commit order, and since every such writer takes it before any row
 * lock, one writer holding a document's row while waiting for the lock held by another, which waits for that row,
 * cannot happen. Held until the transaction ends; taking it again in the same transaction is free.
 */
export async function holdSearchIndexOrder(transaction: Queryable): Promise<void> {
  await transaction.query(`select pg_advisory_xact_lock(hashtext('search_index_changes'))`);
}
