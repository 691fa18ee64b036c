// The example of /work/shared/DESIGN.md ("What user code looks like"), as written there,
// with the few names it leaves to the reader (openDb, Db, notify, lifespan) defined first.
import 'reflect-metadata';
import { z } from 'zod';
import { FastAPI, Controller, Get, Post, Path, Query, Header, Body,
  Depends, dependency, Model, HTTPException, BackgroundTasks } from '../src';
import { call } from './helpers';

// ---- what the example assumes exists
interface Db {
  find(id: string): Promise<Record<string, unknown> | undefined>;
  close(): void;
}
const events: string[] = [];
const rows: Record<string, Record<string, unknown>> = { foo: { name: 'Foo', price: 50.2 }, bar: { name: 'Bar', price: 62, tax: 20.2 } };
function openDb(): Db {
  events.push('open');
  return { find: async (id) => rows[id], close: () => void events.push('close') };
}
const notify = (name: string) => void events.push(`notify ${name}`);
const lifespan = async function* () {
  yield { started: true };
};

// ---- the example, verbatim
class Item extends Model('Item', {
  name: z.string(),
  description: z.string().nullable().optional(),
  price: z.number(),
  tax: z.number().default(10.5),
  tags: z.array(z.string()).default([]),
}) {}

const commonParameters = dependency(
  {
    q: Query(z.string().optional()),
    skip: Query(z.coerce.number().int().default(0)),
    limit: Query(z.coerce.number().int().default(100)),
  },
  ({ q, skip, limit }) => ({ q, skip, limit }),
);

const getDb = dependency({}, async function* () {
  const db = openDb();
  try { yield db; } finally { db.close(); }
});

const verifyToken = dependency({ x_token: Header(z.string()) }, ({ x_token }) => {
  if (x_token !== 'secret') throw new HTTPException(400, 'X-Token header invalid');
});

@Controller('/items', { tags: ['items'], dependencies: [Depends(verifyToken)] })
class ItemsController {
  @Get('/{item_id}', { responseModel: Item, responseModelExcludeUnset: true })
  async readItem(@Path('item_id') itemId: string, @Depends(getDb) db: Db) {
    const item = await db.find(itemId);
    if (!item) throw new HTTPException(404, 'Item not found');
    return item;
  }

  @Post('/', { responseModel: Item, statusCode: 201 })
  async create(@Body() item: Item, tasks: BackgroundTasks) {  // types read by reflect-metadata
    tasks.addTask(notify, item.name);
    return item;
  }
}

const app = new FastAPI({ title: 'Inventory', lifespan });
app.include(ItemsController);
// the functional style, with parameter types inferred from the declarations:
app.get('/hello', {}, () => ({ message: 'Hello World' }));

// ---- and it behaves as FastAPI would
const token = { 'x-token': 'secret' };

describe('the DESIGN.md example', () => {
  beforeEach(() => {
    events.length = 0;
  });

  test('GET /hello', async () => {
    const r = await call(app, 'GET', '/hello');
    expect([r.status, r.json()]).toEqual([200, { message: 'Hello World' }]);
  });

  test('reading an item: exclude-unset, db opened and closed after the response', async () => {
    const r = await call(app, 'GET', '/items/bar', { headers: token });
    expect([r.status, r.json()]).toEqual([200, { name: 'Bar', price: 62, tax: 20.2 }]);
    expect(events).toEqual(['open', 'close']);
  });

  test('a missing item is 404 and the db is still closed', async () => {
    const r = await call(app, 'GET', '/items/nope', { headers: token });
    expect([r.status, r.json()]).toEqual([404, { detail: 'Item not found' }]);
    expect(events).toEqual(['open', 'close']);
  });

  test('the controller dependency checks the token first', async () => {
    let r = await call(app, 'GET', '/items/foo', { headers: { 'x-token': 'wrong' } });
    expect([r.status, r.json()]).toEqual([400, { detail: 'X-Token header invalid' }]);
    r = await call(app, 'GET', '/items/foo');
    expect([r.status, r.json()]).toEqual([422, { detail: [{ type: 'missing', loc: ['header', 'x-token'], msg: 'Field required', input: null }] }]);
  });

  test('creating an item: 201, defaults filled, background task run', async () => {
    const r = await call(app, 'POST', '/items/', { headers: token, json: { name: 'New', price: 1 } });
    expect([r.status, r.json()]).toEqual([201, { name: 'New', description: null, price: 1, tax: 10.5, tags: [] }]);
    expect(events).toEqual(['notify New']);
  });

  test('the route objects carry what OpenAPI reads', () => {
    const route = app.routes.find((r) => (r as { path?: string }).path === '/items/{item_id}') as unknown as Record<string, unknown>;
    expect(route.tags).toEqual(['items']);
    expect(route.responseModel).toBe(Item);
    expect([...(route.methods as Set<string>)]).toEqual(['GET']);
    expect(route.name).toBe('readItem');
    expect(app.title).toBe('Inventory');
    expect(commonParameters({ q: 'x', skip: 1, limit: 2 })).toEqual({ q: 'x', skip: 1, limit: 2 });
  });

  test('the OpenAPI document is served', async () => {
    const r = await call(app, 'GET', '/openapi.json');
    expect(r.status).toBe(200);
    expect(r.json().info).toEqual({ title: 'Inventory', version: '0.1.0' });
    expect(Object.keys(r.json().paths)).toEqual(['/items/{item_id}', '/items/', '/hello']);
  });
});
