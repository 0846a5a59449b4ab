import pgvector from 'pgvector';

/** pgvector's text form ('[0.1,0.2]'), cast with ::vector in SQL: the same for the pg and PGlite adapters. */
export function toVectorLiteral(values: readonly number[]): string {
  return pgvector.toSql([...values]) as string;
}
