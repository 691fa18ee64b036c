/**
 * Reads and writes (the SQL tutorial's `crud.py`): plain functions over a
 * request's {@link Session}, returning rows shaped like the API models.
 */
import type { Session } from './db';
import { hashPassword } from './security';

/** A `users` row. */
export interface UserRow {
  id: number;
  email: string;
  hashed_password: string;
  is_active: boolean;
}

/** An `items` row. */
export interface ItemRow {
  id: number;
  title: string;
  description: string | null;
  owner_id: number;
}

/** A user with its items, ready for the `User` response model. */
export interface UserWithItems extends UserRow {
  items: ItemRow[];
}

interface RawUser {
  id: number;
  email: string;
  hashed_password: string;
  is_active: number;
}

const ITEM_COLUMNS = 'id, title, description, owner_id';

function toUser(row: RawUser): UserRow {
  return { id: row.id, email: row.email, hashed_password: row.hashed_password, is_active: row.is_active === 1 };
}

function withItems(db: Session, users: UserRow[]): UserWithItems[] {
  if (users.length === 0) return [];
  const ids = users.map((u) => u.id);
  const items = db.all<ItemRow>(`SELECT ${ITEM_COLUMNS} FROM items WHERE owner_id IN (${ids.map(() => '?').join(',')}) ORDER BY id`, ...ids);
  return users.map((user) => ({ ...user, items: items.filter((item) => item.owner_id === user.id) }));
}

/** The user with this id, with its items. */
export function getUser(db: Session, userId: number): UserWithItems | undefined {
  const row = db.get<RawUser>('SELECT * FROM users WHERE id = ?', userId);
  return row ? withItems(db, [toUser(row)])[0] : undefined;
}

/** The user with this e-mail, with its items. */
export function getUserByEmail(db: Session, email: string): UserWithItems | undefined {
  const row = db.get<RawUser>('SELECT * FROM users WHERE email = ?', email);
  return row ? withItems(db, [toUser(row)])[0] : undefined;
}

/** A page of users, by id. */
export function getUsers(db: Session, skip = 0, limit = 100): UserWithItems[] {
  const rows = db.all<RawUser>('SELECT * FROM users ORDER BY id LIMIT ? OFFSET ?', limit, skip);
  return withItems(db, rows.map(toUser));
}

/** Stores a new user with a password hashed at scrypt cost 2^`scryptLogN`. */
export async function createUser(db: Session, user: { email: string; password: string }, scryptLogN?: number): Promise<UserWithItems> {
  const hashed = await hashPassword(user.password, scryptLogN);
  const { lastInsertRowid } = db.run('INSERT INTO users (email, hashed_password, is_active) VALUES (?, ?, 1)', user.email, hashed);
  return { id: lastInsertRowid, email: user.email, hashed_password: hashed, is_active: true, items: [] };
}

/** A page of items, by id. */
export function getItems(db: Session, skip = 0, limit = 100): ItemRow[] {
  return db.all<ItemRow>(`SELECT ${ITEM_COLUMNS} FROM items ORDER BY id LIMIT ? OFFSET ?`, limit, skip);
}

/** Stores a new item owned by `userId`. */
export function createUserItem(db: Session, item: { title: string; description: string | null }, userId: number): ItemRow {
  const { lastInsertRowid } = db.run('INSERT INTO items (title, description, owner_id) VALUES (?, ?, ?)', item.title, item.description, userId);
  return { id: lastInsertRowid, title: item.title, description: item.description, owner_id: userId };
}
