import Database from 'better-sqlite3';
import { z } from 'zod';
import { Body, Depends, dependency, FastAPI, HTTPException, Int, Model, Path, Query } from 'fastapi-ts';

export class HeroCreate extends Model('HeroCreate', {
  name: z.string().min(1),
  age: Int.nullable().default(null),
  secret_name: z.string(),
}) {}

export class HeroPublic extends Model('HeroPublic', {
  id: Int,
  name: z.string(),
  age: Int.nullable().default(null),
}) {}

interface HeroRow {
  id: number;
  name: string;
  age: number | null;
  secret_name: string;
}

/** Opens the database and creates the table (the demo reads the file name from the environment). */
export function openDatabase(file = ':memory:'): Database.Database {
  const db = new Database(file);
  db.exec('CREATE TABLE IF NOT EXISTS hero (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER, secret_name TEXT NOT NULL)');
  return db;
}

const db = openDatabase();

// One transaction per request: committed when the handler succeeds, rolled back when it fails.
const getSession = dependency({}, function* () {
  db.exec('BEGIN');
  try {
    yield db;
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
});

export const app = new FastAPI({
  lifespan: async function* () {
    yield {};
    db.close();
  },
});

app.post('/heroes/', { params: { hero: Body(HeroCreate), session: Depends(getSession) }, responseModel: HeroPublic }, ({ hero, session }) => {
  const { lastInsertRowid } = session.prepare('INSERT INTO hero (name, age, secret_name) VALUES (?, ?, ?)').run(hero.name, hero.age, hero.secret_name);
  return session.prepare('SELECT * FROM hero WHERE id = ?').get(lastInsertRowid) as HeroRow;
});

app.get(
  '/heroes/',
  { params: { offset: Query(Int.min(0).default(0)), limit: Query(Int.min(1).max(100).default(100)), session: Depends(getSession) }, responseModel: z.array(HeroPublic.schema) },
  ({ offset, limit, session }) => session.prepare('SELECT * FROM hero ORDER BY id LIMIT ? OFFSET ?').all(limit, offset) as HeroRow[],
);

app.get('/heroes/{hero_id}', { params: { hero_id: Path(Int), session: Depends(getSession) }, responseModel: HeroPublic }, ({ hero_id, session }) => {
  const hero = session.prepare('SELECT * FROM hero WHERE id = ?').get(hero_id) as HeroRow | undefined;
  if (hero === undefined) throw new HTTPException(404, 'Hero not found');
  return hero;
});

app.delete('/heroes/{hero_id}', { params: { hero_id: Path(Int), session: Depends(getSession) } }, ({ hero_id, session }) => {
  const { changes } = session.prepare('DELETE FROM hero WHERE id = ?').run(hero_id);
  if (changes === 0) throw new HTTPException(404, 'Hero not found');
  return { ok: true };
});
