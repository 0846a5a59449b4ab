import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyService } from '../../src/access/api-key-service.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

describe('API keys: revocation reaches long-lived connections', () => {
  let testDatabase: TestDatabase;
  beforeAll(async () => {
    testDatabase = await createTestDatabase('pglite');
  });
  afterAll(async () => {
    await testDatabase?.close();
  });

  it('tells the watchers of a key revoked on this replica at once', async () => {
    const keys = new ApiKeyService(testDatabase.database);
    const created = await keys.create('agent', 'desk 1');
    const cut: string[] = [];
    keys.watch(created.id, () => cut.push('first'));
    keys.watch(created.id, () => cut.push('second'));
    await keys.revoke(created.id);
    expect(cut).toEqual(['first', 'second']);
    expect(await keys.verify(created.key)).toBeNull();
  });

  it('finds a key revoked on another replica on its next check, and leaves valid keys and stopped watchers alone', async () => {
    const replicaA = new ApiKeyService(testDatabase.database);
    const replicaB = new ApiKeyService(testDatabase.database, { revocationCheckMilliseconds: 3_600_000 });
    const revoked = await replicaA.create('agent', 'desk 2');
    const kept = await replicaA.create('agent', 'desk 3');
    const unwatched = await replicaA.create('agent', 'desk 4');
    const cut: string[] = [];
    replicaB.watch(revoked.id, () => cut.push('revoked'));
    replicaB.watch(kept.id, () => cut.push('kept'));
    const stop = replicaB.watch(unwatched.id, () => cut.push('unwatched'));
    stop();
    await replicaB.checkRevocations();
    expect(cut).toEqual([]);
    await replicaA.revoke(revoked.id);
    await replicaA.revoke(unwatched.id);
    await replicaB.checkRevocations();
    expect(cut).toEqual(['revoked']);
    // Told once: the key is no longer watched afterwards.
    await replicaB.checkRevocations();
    expect(cut).toEqual(['revoked']);
    replicaB.stopWatching();
  });
});
