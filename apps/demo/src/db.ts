/**
 * The database layer (the SQL tutorial's `database.py`): an `Engine` that
 * hands out one `Session` (one SQLite connection) per request, the tables,
 * and `getDb`, the generator dependency that closes the session after the
 * response has been sent, also when the handler failed.
 *
 * `:memory:` works as SQLAlchemy's StaticPool does: every session shares the
 * single in-memory connection (a second connection would see an empty
 * database), and closing a session only ends that session.
 */
import Database from 'better-sqlite3';
import { dependency, Request } from 'fastapi-ts';

/** The tables, created at start-up when missing (`Base.metadata.create_all`). */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  hashed_password TEXT NOT NULL,
  is_active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS items (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  description TEXT,
  owner_id INTEGER NOT NULL REFERENCES users(id)
);
CREATE INDEX IF NOT EXISTS ix_items_title ON items(title);
CREATE INDEX IF NOT EXISTS ix_items_owner_id ON items(owner_id);
`;

/** A row value SQLite accepts as a parameter. */
export type SqlValue = string | number | bigint | null | Buffer;

/** One unit of work on one connection; closed by `getDb` after the response. */
export class Session {
  private open = true;

  constructor(
    private readonly connection: Database.Database,
    private readonly onClose: (connection: Database.Database) => void,
  ) {}

  /** True until {@link close} was called. */
  get isOpen(): boolean {
    return this.open;
  }

  private db(): Database.Database {
    if (!this.open) throw new Error('This database session is closed: sessions live for one request (use the getDb dependency)');
    return this.connection;
  }

  /** The first row of a query, or undefined. */
  get<T>(sql: string, ...params: SqlValue[]): T | undefined {
    return this.db().prepare(sql).get(...params) as T | undefined;
  }

  /** Every row of a query. */
  all<T>(sql: string, ...params: SqlValue[]): T[] {
    return this.db().prepare(sql).all(...params) as T[];
  }

  /** Runs a statement; returns the new row id and the number of changed rows. */
  run(sql: string, ...params: SqlValue[]): { lastInsertRowid: number; changes: number } {
    const result = this.db().prepare(sql).run(...params);
    return { lastInsertRowid: Number(result.lastInsertRowid), changes: result.changes };
  }

  /** Runs `work` in a transaction (rolled back when it throws). */
  transaction<T>(work: () => T): T {
    return this.db().transaction(work)();
  }

  /** Ends the session: the connection is closed (or, for `:memory:`, given back). Idempotent. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.onClose(this.connection);
  }
}

function configure(connection: Database.Database): Database.Database {
  connection.pragma('foreign_keys = ON');
  connection.pragma('busy_timeout = 5000');
  return connection;
}

/** Opens sessions on one SQLite database file (or on one shared in-memory database). */
export class Engine {
  /** The file name given (`:memory:` for an in-memory database). */
  readonly filename: string;
  /** Sessions currently open (a test checks that each request closes its own). */
  openSessions = 0;
  private readonly shared: Database.Database | null;
  private disposed = false;

  constructor(filename: string) {
    this.filename = filename;
    const memory = filename === ':memory:' || filename === '';
    this.shared = memory ? configure(new Database(':memory:')) : null;
    const setup = this.shared ?? configure(new Database(filename));
    try {
      if (!memory) setup.pragma('journal_mode = WAL'); // readers do not wait for the writer
      setup.exec(SCHEMA);
    } finally {
      if (!memory) setup.close();
    }
  }

  /** A new session: a fresh connection, or the shared one for `:memory:`. */
  connect(): Session {
    if (this.disposed) throw new Error(`The engine for ${this.filename} was disposed (the app has shut down)`);
    const connection = this.shared ?? configure(new Database(this.filename));
    this.openSessions++;
    return new Session(connection, (c) => {
      this.openSessions--;
      if (c !== this.shared) c.close();
    });
  }

  /** Closes the shared connection, if any; later `connect()` calls fail. */
  dispose(): void {
    this.disposed = true;
    this.shared?.close();
  }
}

/**
 * The seed's `get_db`: one session per request from the engine the lifespan
 * put in `request.state`, closed once the response has been sent.
 *
 * @example
 * @Get('/{user_id}') read(@Path('user_id', Int) id: number, @Depends(getDb) db: Session) { ... }
 */
export const getDb = dependency({ request: Request }, function* getDb({ request }) {
  const engine = request.state.engine as Engine | undefined;
  if (!(engine instanceof Engine)) {
    throw new Error('No database engine in request.state: run the app with its lifespan (TestClient.start(), asgi-core serve)');
  }
  const db = engine.connect();
  try {
    yield db;
  } finally {
    db.close();
  }
});
