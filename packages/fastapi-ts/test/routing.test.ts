// Routers, controllers and the route objects (FastAPI's tutorial/bigger_applications
// and test_router_*), through Starlette's TestClient.
import 'reflect-metadata';
import { z } from 'zod';
import { Request, TestClient } from 'starlette-ts';
import { APIRoute, APIRouter, ApiRoute, Controller, Delete, Depends, dependency, FastAPI, Get, Head, Header, HTTPException, Options, Patch, Path, Post, Put, Query } from '../src';

const getTokenHeader = dependency({ x_token: Header(z.string()) }, ({ x_token }) => {
  if (x_token !== 'fake-super-secret-token') throw new HTTPException(400, 'X-Token header invalid');
});
const getQueryToken = dependency({ token: Query(z.string()) }, ({ token }) => {
  if (token !== 'jessica') throw new HTTPException(400, 'No Jessica token provided');
});

// tutorial/bigger_applications: routers/users.py, routers/items.py, internal/admin.py
const users = new APIRouter();
users.get('/users/', { tags: ['users'] }, () => [{ username: 'Rick' }, { username: 'Morty' }]);
users.get('/users/me', { tags: ['users'] }, () => ({ username: 'fakecurrentuser' }));
users.get('/users/{username}', { tags: ['users'], params: { username: Path() } }, ({ username }) => ({ username }));

const fakeItemsDb: Record<string, { name: string }> = { plumbus: { name: 'Plumbus' }, gun: { name: 'Portal Gun' } };
const items = new APIRouter({ prefix: '/items', tags: ['items'], dependencies: [Depends(getTokenHeader)], responses: { 404: { description: 'Not found' } } });
items.get('/', {}, () => fakeItemsDb);
items.get('/{item_id}', { params: { item_id: Path() } }, ({ item_id }) => {
  if (!(item_id in fakeItemsDb)) throw new HTTPException(404, 'Item not found');
  return { name: fakeItemsDb[item_id].name, item_id };
});
items.put('/{item_id}', { tags: ['custom'], responses: { 403: { description: 'Operation forbidden' } }, params: { item_id: Path() } }, ({ item_id }) => {
  if (item_id !== 'plumbus') throw new HTTPException(403, 'You can only update the item: plumbus');
  return { item_id, name: 'The great Plumbus' };
});

const admin = new APIRouter();
admin.post('/', {}, () => ({ message: 'Admin getting schwifty' }));

const app = new FastAPI({ dependencies: [Depends(getQueryToken)] });
app.includeRouter(users);
app.includeRouter(items);
app.includeRouter(admin, { prefix: '/admin', tags: ['admin'], dependencies: [Depends(getTokenHeader)], responses: { 418: { description: "I'm a teapot" } } });
app.get('/', {}, () => ({ message: 'Hello Bigger Applications!' }));

describe('bigger applications (tutorial/bigger_applications)', () => {
  const client = new TestClient(app);
  const token = { 'X-Token': 'fake-super-secret-token' };

  test.each([
    ['/users?token=jessica', 200, [{ username: 'Rick' }, { username: 'Morty' }]],
    ['/users/foo?token=jessica', 200, { username: 'foo' }],
    ['/users/me?token=jessica', 200, { username: 'fakecurrentuser' }],
    ['/?token=jessica', 200, { message: 'Hello Bigger Applications!' }],
    ['/users', 422, { detail: [{ type: 'missing', loc: ['query', 'token'], msg: 'Field required', input: null }] }],
    ['/users?token=monica', 400, { detail: 'No Jessica token provided' }],
  ])('GET %s', async (url, status, body) => {
    const r = await client.get(url, { headers: url.startsWith('/items') ? token : {} });
    expect([r.statusCode, r.json()]).toEqual([status, body]);
  });

  test('router dependencies and app dependencies both run', async () => {
    let r = await client.get('/items?token=jessica', { headers: token });
    expect([r.statusCode, r.json()]).toEqual([200, fakeItemsDb]);
    r = await client.get('/items/plumbus?token=jessica', { headers: token });
    expect([r.statusCode, r.json()]).toEqual([200, { name: 'Plumbus', item_id: 'plumbus' }]);
    r = await client.get('/items/bar?token=jessica', { headers: token });
    expect([r.statusCode, r.json()]).toEqual([404, { detail: 'Item not found' }]);
    r = await client.get('/items/plumbus?token=jessica', { headers: { 'X-Token': 'invalid' } });
    expect([r.statusCode, r.json()]).toEqual([400, { detail: 'X-Token header invalid' }]);
    r = await client.get('/items/plumbus');
    expect([r.statusCode, r.json()]).toEqual([
      422,
      {
        detail: [
          { type: 'missing', loc: ['query', 'token'], msg: 'Field required', input: null },
          { type: 'missing', loc: ['header', 'x-token'], msg: 'Field required', input: null },
        ],
      },
    ]);
  });

  test('PUT with its own tags and responses', async () => {
    let r = await client.put('/items/plumbus?token=jessica', { headers: token });
    expect([r.statusCode, r.json()]).toEqual([200, { item_id: 'plumbus', name: 'The great Plumbus' }]);
    r = await client.put('/items/bar?token=jessica', { headers: token });
    expect([r.statusCode, r.json()]).toEqual([403, { detail: 'You can only update the item: plumbus' }]);
  });

  test('an included router with prefix, tags, dependencies and responses', async () => {
    let r = await client.post('/admin?token=jessica', { headers: token });
    expect([r.statusCode, r.json()]).toEqual([200, { message: 'Admin getting schwifty' }]);
    r = await client.post('/admin?token=jessica', { headers: { 'X-Token': 'invalid' } });
    expect([r.statusCode, r.json()]).toEqual([400, { detail: 'X-Token header invalid' }]);
  });

  test('routes are flattened with merged metadata', () => {
    const put = app.routes.find((r) => r instanceof APIRoute && r.path === '/items/{item_id}' && r.methods.has('PUT')) as APIRoute;
    expect(put.tags).toEqual(['items', 'custom']);
    expect(put.responses).toEqual({ 404: { description: 'Not found' }, 403: { description: 'Operation forbidden' } });
    expect(put.dependant.dependencies.map((d) => d.original)).toEqual([getQueryToken, getTokenHeader]);
    const adminRoute = app.routes.find((r) => r instanceof APIRoute && r.path === '/admin/') as APIRoute;
    expect(adminRoute.tags).toEqual(['admin']);
    expect(adminRoute.responses).toEqual({ 418: { description: "I'm a teapot" } });
    expect(adminRoute.responseDescription).toBe('Successful Response');
    expect(adminRoute.statusCode).toBeUndefined();
    expect(adminRoute.includeInSchema).toBe(true);
  });
});

describe('controllers', () => {
  @Controller('/things', { tags: ['things'], responses: { 404: { description: 'Missing' } }, deprecated: true })
  class Things {
    private readonly store = new Map<string, string>([['a', 'A']]);

    @Get('/{id}', { summary: 'Read a thing', operationId: 'read_thing' })
    read(@Path('id') id: string) {
      const value = this.store.get(id);
      if (value === undefined) throw new HTTPException(404, 'Thing not found');
      return { id, value };
    }

    @Post('/', { statusCode: 201, tags: ['write'] })
    create() {
      return 'created';
    }

    @Put('/{id}') put(@Path('id') id: string) {
      return `put ${id}`;
    }
    @Patch('/{id}') patch(@Path('id') id: string) {
      return `patch ${id}`;
    }
    @Delete('/{id}', { statusCode: 204 }) remove() {
      return undefined;
    }
    @Options('/') options() {
      return 'options';
    }
    @Head('/') head() {
      return 'ignored';
    }
    @ApiRoute('/multi/both', ['GET', 'post']) multi() {
      return 'multi';
    }
  }

  class MoreThings extends Things {
    @Get('/extra/more') more() {
      return 'more';
    }
  }
  Controller('/more')(MoreThings);

  const a = new FastAPI();
  a.include(new Things());
  a.include(MoreThings);
  const client = new TestClient(a);

  test('methods, this-binding, status codes', async () => {
    expect((await client.get('/things/a')).json()).toEqual({ id: 'a', value: 'A' });
    expect((await client.get('/things/b')).statusCode).toBe(404);
    const created = await client.post('/things/');
    expect([created.statusCode, created.json()]).toEqual([201, 'created']);
    expect((await client.put('/things/x')).json()).toBe('put x');
    expect((await client.patch('/things/x')).json()).toBe('patch x');
    expect((await client.delete('/things/x')).statusCode).toBe(204);
    expect((await client.options('/things/')).json()).toBe('options');
    const head = await client.head('/things/');
    expect([head.statusCode, head.text]).toEqual([200, '']);
    expect((await client.get('/things/multi/both')).json()).toBe('multi');
    expect((await client.post('/things/multi/both')).json()).toBe('multi');
  });

  test('subclass controllers inherit routes under their own prefix', async () => {
    expect((await client.get('/more/a')).json()).toEqual({ id: 'a', value: 'A' });
    expect((await client.get('/more/extra/more')).json()).toBe('more');
  });

  test('controller options reach the routes', () => {
    const read = a.routes.find((r) => r instanceof APIRoute && r.path === '/things/{id}' && r.methods.has('GET')) as APIRoute;
    expect([read.tags, read.summary, read.operationId, read.deprecated, read.name, read.responses]).toEqual([
      ['things'],
      'Read a thing',
      'read_thing',
      true,
      'read',
      { 404: { description: 'Missing' } },
    ]);
    const create = a.routes.find((r) => r instanceof APIRoute && r.path === '/things/' && r.methods.has('POST')) as APIRoute;
    expect(create.tags).toEqual(['things', 'write']);
    expect(create.statusCode).toBe(201);
  });

  test('including something that is not a controller is refused', () => {
    expect(() => new FastAPI().include(class NotOne {})).toThrow('is not a @Controller class');
    expect(() => new APIRouter({ prefix: 'bad/' })).toThrow("must start with '/'");
  });
});

describe('app options', () => {
  test('rootPath is set on the scope', async () => {
    const a = new FastAPI({ rootPath: '/api/v1' });
    a.get('/app', { params: { request: Request } }, ({ request }) => ({ message: 'Hello World', root_path: request.scope.root_path }));
    const r = await new TestClient(a).get('/app');
    expect(r.json()).toEqual({ message: 'Hello World', root_path: '/api/v1' });
  });
});
