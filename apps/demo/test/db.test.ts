// The database layer: sessions per request, file and in-memory databases,
// tables created at start-up.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../src/db';
import { createApp } from '../src/main';
import { TestClient } from 'starlette-ts';

let tmp: string;

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'demo-db-'));
});

afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('Engine and Session', () => {
  test('a file database: tables created once, data kept across engines', () => {
    const file = join(tmp, 'a.db');
    const first = new Engine(file);
    const s = first.connect();
    s.run('INSERT INTO users (email, hashed_password) VALUES (?, ?)', 'a@example.com', 'h');
    s.close();
    first.dispose();
    const second = new Engine(file);
    const t = second.connect();
    expect(t.all('SELECT id, email, is_active FROM users')).toEqual([{ id: 1, email: 'a@example.com', is_active: 1 }]);
    t.close();
    second.dispose();
  });

  test('each session of a file database is its own connection', () => {
    const engine = new Engine(join(tmp, 'b.db'));
    const a = engine.connect();
    const b = engine.connect();
    expect(engine.openSessions).toBe(2);
    a.run('INSERT INTO users (email, hashed_password) VALUES (?, ?)', 'x@example.com', 'h');
    expect(b.all('SELECT email FROM users')).toEqual([{ email: 'x@example.com' }]);
    a.close();
    b.close();
    expect(engine.openSessions).toBe(0);
  });

  test(':memory: sessions share the one database (StaticPool)', () => {
    const engine = new Engine(':memory:');
    const a = engine.connect();
    a.run('INSERT INTO users (email, hashed_password) VALUES (?, ?)', 'm@example.com', 'h');
    a.close();
    const b = engine.connect();
    expect(b.get('SELECT email FROM users')).toEqual({ email: 'm@example.com' });
    b.close();
    engine.dispose();
  });

  test('a closed session refuses work; closing twice is harmless', () => {
    const engine = new Engine(':memory:');
    const s = engine.connect();
    s.close();
    s.close();
    expect(s.isOpen).toBe(false);
    expect(engine.openSessions).toBe(0);
    expect(() => s.all('SELECT 1')).toThrow('This database session is closed');
    engine.dispose();
    expect(() => engine.connect()).toThrow('was disposed');
  });

  test('a transaction rolls back when its work throws', () => {
    const engine = new Engine(':memory:');
    const s = engine.connect();
    expect(() =>
      s.transaction(() => {
        s.run('INSERT INTO users (email, hashed_password) VALUES (?, ?)', 't@example.com', 'h');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(s.all('SELECT * FROM users')).toEqual([]);
    s.close();
    engine.dispose();
  });

  test('foreign keys are enforced', () => {
    const engine = new Engine(':memory:');
    const s = engine.connect();
    expect(() => s.run('INSERT INTO items (title, owner_id) VALUES (?, ?)', 'orphan', 42)).toThrow(/FOREIGN KEY/);
    s.close();
    engine.dispose();
  });

  test('the e-mail is unique', () => {
    const engine = new Engine(':memory:');
    const s = engine.connect();
    s.run('INSERT INTO users (email, hashed_password) VALUES (?, ?)', 'u@example.com', 'h');
    expect(() => s.run('INSERT INTO users (email, hashed_password) VALUES (?, ?)', 'u@example.com', 'h')).toThrow(/UNIQUE/);
    s.close();
    engine.dispose();
  });
});

describe('the app and its database', () => {
  test('the lifespan opens the file (tables created at start-up) and the data survives a restart', async () => {
    const file = join(tmp, 'app.db');
    const first = new TestClient(createApp({ database: file }));
    await first.start();
    expect((await first.post('/users/', { json: { email: 'keep@example.com', password: 'p' } })).status).toBe(200);
    await first.close();
    const second = new TestClient(createApp({ database: file }));
    await second.start();
    expect((await second.get('/users/1')).json()).toEqual({ email: 'keep@example.com', id: 1, is_active: true, items: [] });
    await second.close();
  });

  test('without its lifespan the app says so instead of failing obscurely', async () => {
    const client = new TestClient(createApp({ database: ':memory:' }), { raiseServerExceptions: false });
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const r = await client.get('/users/');
      expect([r.status, r.text]).toEqual([500, 'Internal Server Error']);
    } finally {
      spy.mockRestore();
    }
  });

  test('the session is closed after the response, also when the handler raised', async () => {
    const client = new TestClient(createApp({ database: join(tmp, 'c.db') }));
    await client.start();
    const engine = client.appState.engine as Engine;
    await client.get('/users/');
    await client.get('/users/404');
    await client.post('/users/1/items/', { json: { title: 'x' } });
    expect(engine.openSessions).toBe(0);
    await client.close();
  });
});
