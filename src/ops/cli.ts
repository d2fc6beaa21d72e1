import { loadConfigOrExit } from '../config.js';
import { backup } from './backup.js';
import { BackupError } from './backup-format.js';
import { restore, verifyBackup } from './restore.js';

// npm run backup -- <target directory>
// npm run restore -- [--force] [--verify] <backup directory>
// The database and data directory are the instance's own: DATABASE_URL and CASEBOOK_DATA_DIR.

const USAGE = `Usage:
  npm run backup -- <target directory>              back up the database and stored files (safe while the server runs)
  npm run restore -- <backup directory>             restore into an empty database and data directory
  npm run restore -- --force <backup directory>     replace everything the database holds
  npm run restore -- --verify <backup directory>    only check the backup (manifest, row counts, sha-256 of every file)
The instance is the one DATABASE_URL and CASEBOOK_DATA_DIR name.`;

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  const flags = rest.filter((a) => a.startsWith('--'));
  const args = rest.filter((a) => !a.startsWith('--'));
  const unknown = flags.filter((f) => !(command === 'restore' && (f === '--force' || f === '--verify')));
  if ((command !== 'backup' && command !== 'restore') || args.length !== 1 || unknown.length) {
    if (unknown.length) console.error(`Unknown option ${unknown.join(' ')}`);
    console.error(USAGE);
    return 2;
  }
  const config = loadConfigOrExit();
  const log = (line: string) => console.log(line);
  try {
    if (command === 'backup') await backup({ database: config.database, dataDir: config.dataDir, target: args[0]!, log });
    else if (flags.includes('--verify')) {
      const m = await verifyBackup(args[0]!);
      log(`The backup is complete and intact: ${m.tables.length} tables, ${m.tables.reduce((n, t) => n + t.rows, 0)} rows, ${m.files.length} files, made ${m.createdAt} on ${m.source.dialect}`);
    } else await restore({ database: config.database, dataDir: config.dataDir, source: args[0]!, force: flags.includes('--force'), log });
    return 0;
  } catch (err) {
    if (err instanceof BackupError) {
      console.error(`${command} refused: ${err.message}`);
      return 1;
    }
    console.error(`${command} failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

main().then((code) => process.exit(code));
