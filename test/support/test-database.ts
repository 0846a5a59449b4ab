import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { wrapPglite } from '../../src/db/pglite-database.js';
import { createPostgresDatabase } from '../../src/db/postgres-database.js';

export type AdapterKind = 'pglite' | 'postgres';
export const adapterKinds: AdapterKind[] = ['pglite', 'postgres'];

export interface TestDatabase {
  database: Database;
  /** For the postgres adapter: a connection string to the same PGlite, for a second "replica". */
  connectionString?: string;
  close(): Promise<void>;
}

/**
 * A migrated database for one test file. 'postgres' is the real `pg` adapter speaking the wire protocol to a
 * PGlite served by pglite-socket on a loopback port: there is no pgvector Postgres on this machine.
 */
export async function createTestDatabase(kind: AdapterKind): Promise<TestDatabase> {
  const pglite = await PGlite.create({ extensions: { vector } });
  if (kind === 'pglite') {
    const database = wrapPglite(pglite);
    await migrate(database);
    return { database, close: () => database.close() };
  }
  const server = new PGLiteSocketServer({ db: pglite, port: 0, host: '127.0.0.1', maxConnections: 20 });
  await server.start();
  const connectionString = `postgresql://postgres:postgres@${server.getServerConn()}/postgres?sslmode=disable`;
  const database = await createPostgresDatabase({ connectionString, maxConnections: 4 });
  await migrate(database);
  return {
    database,
    connectionString,
    async close() {
      await database.close();
      await server.stop();
      await pglite.close();
    },
  };
}
