// Holds an exclusive lock on a SQLite database until stdin closes, like another program mid-write.
import Database from 'better-sqlite3';

const db = new Database(process.argv[2]!);
db.exec('BEGIN EXCLUSIVE');
process.stdout.write('LOCKED\n');
process.stdin.resume();
process.stdin.on('end', () => {
  db.exec('ROLLBACK');
  db.close();
});
