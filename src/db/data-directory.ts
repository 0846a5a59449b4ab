import { accessSync, constants, readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';

/**
 * The embedded database folder is the bank's only copy of its keys, conversations and knowledge. PGlite
 * runs initdb over any folder without `PG_VERSION` and fails on other damage with opaque WASM aborts, so the
 * folder is checked before PGlite sees it and every known kind of damage stops the start with what to do.
 */
export class DataDirectoryError extends Error {
  readonly code = 'data_directory_unusable';
  constructor(
    readonly directory: string,
    readonly problem: string,
    readonly fix: string = recoveryAdvice(directory),
  ) {
    super(`DATA_DIR ${directory} is not a usable embedded database: ${problem}. Nothing was changed. ${fix}`);
    this.name = 'DataDirectoryError';
  }
}

export function recoveryAdvice(directory: string): string {
  return (
    `To recover: restore the folder from a backup; or move it aside (mv ${directory} ${directory}.damaged) and start ` +
    'again to create a new empty database; or point DATA_DIR at another folder (a missing or empty one gets a new database).'
  );
}

/** Files that may sit in a folder before any database was created in it. */
const ignorableEntries = new Set(['agent-assist.pid', 'lost+found', '.DS_Store']);
const pageBytes = 8192;
const walSegment = /^[0-9A-F]{24}$/;

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * 'new' for a missing or empty folder (a database will be created), 'existing' for a folder that looks like
 * a whole Postgres data directory; throws DataDirectoryError naming the damage otherwise.
 */
export function checkDataDirectory(directory: string): 'new' | 'existing' {
  const fail = (problem: string, fix?: string): never => {
    throw new DataDirectoryError(directory, problem, fix);
  };
  const permissionFix = `Give the user running the service read and write access (for example chown -R "$(id -un)" ${directory}), or restore the folder from a backup.`;
  let info: Stats | undefined;
  try {
    info = statOrUndefined(directory);
  } catch (error) {
    return fail(`it cannot be read (${(error as NodeJS.ErrnoException).code})`, permissionFix);
  }
  if (!info) return 'new';
  if (!info.isDirectory()) return fail('it is a file, not a folder', 'Point DATA_DIR at a folder (a missing or empty one gets a new database).');
  const readable = (path: string, what: string) => {
    try {
      accessSync(path, constants.R_OK | constants.W_OK);
    } catch {
      fail(`${what} is not readable and writable by this user`, permissionFix);
    }
  };
  readable(directory, 'the folder');
  let entries: string[];
  try {
    entries = readdirSync(directory).filter((entry) => !ignorableEntries.has(entry));
  } catch (error) {
    return fail(`it cannot be listed (${(error as NodeJS.ErrnoException).code})`, permissionFix);
  }
  if (entries.length === 0) return 'new';

  const at = (...parts: string[]) => join(directory, ...parts);
  if (!entries.includes('PG_VERSION')) {
    if (!entries.includes('base') && !entries.includes('global')) {
      return fail(
        `it holds other files (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}) and no database (no PG_VERSION)`,
        'Point DATA_DIR at the database folder, or at a missing or empty folder to create a new database.',
      );
    }
    return fail('PG_VERSION is missing, so the database cannot be trusted (a new one would silently replace it)');
  }
  readable(at('PG_VERSION'), 'PG_VERSION');
  const version = readFileSync(at('PG_VERSION'), 'utf8').trim();
  if (!/^\d+$/.test(version)) fail(`PG_VERSION holds '${version.slice(0, 20)}' instead of a Postgres major version`);

  const expectFolder = (name: string) => {
    const entry = statOrUndefined(at(name));
    if (!entry) fail(`${name}/ is missing`);
    else if (!entry.isDirectory()) fail(`${name} is a file where a folder should be`);
    readable(at(name), `${name}/`);
  };
  for (const name of ['global', 'base', 'pg_wal', 'pg_xact']) expectFolder(name);

  const control = statOrUndefined(at('global', 'pg_control'));
  if (!control) fail('global/pg_control is missing');
  else if (!control.isFile() || control.size !== pageBytes) fail(`global/pg_control is damaged (${control.size} bytes instead of ${pageBytes})`);
  if (!readdirSync(at('pg_wal')).some((name) => walSegment.test(name))) fail('pg_wal/ holds no write-ahead log segment');

  const checkRelationFiles = (folder: string, label: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      const entry = statSync(path);
      if (entry.isDirectory()) fail(`${label}/${name} is a folder where a file should be`);
      // A relation file cut mid-page is not refused here: a crash while a table grows leaves one legitimately,
      // and Postgres ignores it. Catalogue damage it cannot ignore surfaces when PGlite opens the folder.
      readable(path, `${label}/${name}`);
    }
  };
  checkRelationFiles(at('global'), 'global');
  // base/pgsql_tmp is where Postgres spills a sort or hash too big for work_mem (a roll-up rebuild over 100,000
  // calls does); it stays after the statement and holds no relation.
  const databases = readdirSync(at('base')).filter((name) => name !== 'pgsql_tmp');
  if (databases.length === 0) fail('base/ holds no database');
  for (const name of databases) {
    const entry = statSync(at('base', name));
    if (!entry.isDirectory()) fail(`base/${name} is a file where a folder should be`);
    if (!statOrUndefined(at('base', name, 'PG_VERSION'))) fail(`base/${name}/PG_VERSION is missing`);
    checkRelationFiles(at('base', name), `base/${name}`);
  }
  return 'existing';
}
