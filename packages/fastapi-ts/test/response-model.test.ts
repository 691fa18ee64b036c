// FastAPI's tutorial tests for response models and status codes
// (tutorial/response_model, response_status_code, response_change_status_code,
// response_cookies, response_headers), ported.
import 'reflect-metadata';
import { z } from 'zod';
import { Body, Controller, FastAPI, fieldsSet, Get, Model, Path, PlainTextResponse, Post, Put, Response, status } from '../src';
import { JSONResponse, RedirectResponse } from 'starlette-ts';
import { call } from './helpers';

class Item extends Model('Item', {
  name: z.string(),
  description: z.string().nullable().optional(),
  price: z.number(),
  tax: z.number().default(10.5),
  tags: z.array(z.string()).default([]),
}) {}

const items: Record<string, Record<string, unknown>> = {
  foo: { name: 'Foo', price: 50.2 },
  bar: { name: 'Bar', description: 'The bartenders', price: 62, tax: 20.2 },
  baz: { name: 'Baz', description: null, price: 50.2, tax: 10.5, tags: [] },
};

@Controller('/items')
class ItemsController {
  @Get('/{item_id}', { responseModel: Item, responseModelExcludeUnset: true })
  read(@Path('item_id') itemId: string) {
    return items[itemId];
  }

  @Get('/{item_id}/full', { responseModel: Item })
  full(@Path('item_id') itemId: string) {
    return items[itemId];
  }

  @Get('/{item_id}/defaults', { responseModel: Item, responseModelExcludeDefaults: true })
  defaults(@Path('item_id') itemId: string) {
    return items[itemId];
  }

  @Get('/{item_id}/none', { responseModel: Item, responseModelExcludeNone: true })
  none(@Path('item_id') itemId: string) {
    return items[itemId];
  }

  @Get('/{item_id}/name', { responseModel: Item, responseModelInclude: ['name', 'description'] })
  name(@Path('item_id') itemId: string) {
    return items[itemId];
  }

  @Get('/{item_id}/public', { responseModel: Item, responseModelExclude: ['tax'] })
  public(@Path('item_id') itemId: string) {
    return items[itemId];
  }

  @Post('/', { responseModel: Item, statusCode: 201, responseModelExcludeUnset: true })
  create(@Body() item: Item) {
    return item;
  }
}

class UserIn extends Model('UserIn', { username: z.string(), password: z.string(), email: z.email(), full_name: z.string().nullable().default(null) }) {}
class UserOut extends Model('UserOut', { username: z.string(), email: z.email(), full_name: z.string().nullable().default(null) }) {}

const app = new FastAPI();
app.include(ItemsController);
app.post('/user/', { params: { user: UserIn }, responseModel: UserOut }, ({ user }) => user);
app.get('/broken', { responseModel: Item }, () => ({ name: 'Foo' }));
app.get('/list', { responseModel: z.array(Item.schema) }, () => [items.foo, items.bar]);
app.delete('/items/{id}', { params: { id: Path() }, statusCode: 204 }, () => undefined);
app.get('/not-modified', { statusCode: 304 }, () => ({ ignored: true }));
const tasks: Record<string, string> = { foo: 'Listen to the Bar Fighters' };
app.put('/get-or-create-task/{task_id}', { params: { task_id: Path(), response: Response }, statusCode: 200 }, ({ task_id, response }) => {
  if (!(task_id in tasks)) {
    tasks[task_id] = "This didn't exist before";
    response.statusCode = status.HTTP_201_CREATED;
  }
  return tasks[task_id];
});
app.post('/cookie-and-object/', { params: { response: Response } }, ({ response }) => {
  response.setCookie('fakesession', 'fake-cookie-session-value');
  response.headers.set('X-Cat-Dog', 'alone in the world');
  return { message: 'Come to the dark side, we have cookies' };
});
app.get('/own-response', { responseModel: Item }, () => new JSONResponse({ anything: 'goes' }, { status: 202, headers: { 'x-own': '1' } }));
app.get('/redirect', {}, () => new RedirectResponse('/items/foo'));
app.get('/text', { responseClass: PlainTextResponse }, () => 'plain');
app.get('/encoded', {}, () => ({ when: new Date(Date.UTC(2020, 0, 1)), tags: new Set(['a']), big: 5n, model: new Item({ name: 'N', price: 1 }), gone: undefined }));

describe('response models (tutorial/response_model)', () => {
  test.each([
    ['foo', { name: 'Foo', price: 50.2 }],
    ['bar', { name: 'Bar', description: 'The bartenders', price: 62, tax: 20.2 }],
    ['baz', { name: 'Baz', description: null, price: 50.2, tax: 10.5, tags: [] }],
  ])('responseModelExcludeUnset: %s', async (id, expected) => {
    const r = await call(app, 'GET', `/items/${id}`);
    expect([r.status, r.json()]).toEqual([200, expected]);
  });

  test('without exclude options every field is written, defaults included', async () => {
    expect((await call(app, 'GET', '/items/foo/full')).json()).toEqual({ name: 'Foo', description: null, price: 50.2, tax: 10.5, tags: [] });
  });

  test('responseModelExcludeDefaults', async () => {
    expect((await call(app, 'GET', '/items/baz/defaults')).json()).toEqual({ name: 'Baz', price: 50.2 });
    expect((await call(app, 'GET', '/items/bar/defaults')).json()).toEqual({ name: 'Bar', description: 'The bartenders', price: 62, tax: 20.2 });
  });

  test('responseModelExcludeNone', async () => {
    expect((await call(app, 'GET', '/items/baz/none')).json()).toEqual({ name: 'Baz', price: 50.2, tax: 10.5, tags: [] });
  });

  test('responseModelInclude / responseModelExclude', async () => {
    expect((await call(app, 'GET', '/items/bar/name')).json()).toEqual({ name: 'Bar', description: 'The bartenders' });
    expect((await call(app, 'GET', '/items/bar/public')).json()).toEqual({ name: 'Bar', description: 'The bartenders', price: 62, tags: [] });
  });

  test('nested include/exclude reach into a mapping field (a leaf of the model)', async () => {
    const nested = new FastAPI();
    const Stats = z.object({ name: z.string(), meta: z.record(z.string(), z.number()) });
    const value = { name: 'n', meta: { a: 1, b: 2, c: 3 } };
    nested.get('/in', { responseModel: Stats, responseModelInclude: { name: true, meta: { a: true, c: true } } }, () => value);
    nested.get('/ex', { responseModel: Stats, responseModelExclude: { meta: { b: true } } }, () => value);
    expect((await call(nested, 'GET', '/in')).json()).toEqual({ name: 'n', meta: { a: 1, c: 3 } });
    expect((await call(nested, 'GET', '/ex')).json()).toEqual({ name: 'n', meta: { a: 1, c: 3 } });
  });

  test('a Model instance remembers the fields the request set', async () => {
    const r = await call(app, 'POST', '/items/', { json: { name: 'New', price: 3, tags: ['a'] } });
    expect([r.status, r.json()]).toEqual([201, { name: 'New', price: 3, tags: ['a'] }]);
    expect([...fieldsSet(new Item({ name: 'x', price: 1 }))]).toEqual(['name', 'price']);
  });

  test('an instance of the response model is written as it is, not validated again', async () => {
    // pydantic's default `revalidate_instances='never'`: FastAPI's response validation passes a model instance
    // (or a subclass's) through, so the body's validators ran once and the fields it set are kept.
    let checks = 0;
    const counted = (value: string) => (checks++, value.length > 0);
    class Counted extends Model('Counted', { name: z.string().refine(counted), tax: z.number().default(1) }) {}
    class Special extends Counted {}
    const echo = new FastAPI();
    echo.post('/echo', { params: { item: Body(Counted) }, responseModel: Counted, responseModelExcludeUnset: true }, ({ item }) => item);
    echo.post('/sub', { responseModel: Counted }, () => new Special({ name: 'sub' }));
    echo.post('/plain', { responseModel: Counted }, () => ({ name: 'plain' }));
    expect((await call(echo, 'POST', '/echo', { json: { name: 'n' } })).json()).toEqual({ name: 'n' });
    expect(checks).toBe(1);
    expect((await call(echo, 'POST', '/sub')).json()).toEqual({ name: 'sub', tax: 1 });
    expect(checks).toBe(2);
    // Any other value is validated through the model.
    expect((await call(echo, 'POST', '/plain')).json()).toEqual({ name: 'plain', tax: 1 });
    expect(checks).toBe(3);
  });

  test('the response model filters out fields (password never leaks)', async () => {
    const r = await call(app, 'POST', '/user/', { json: { username: 'foo', password: 'fighter', email: 'foo@example.com' } });
    expect([r.status, r.json()]).toEqual([200, { username: 'foo', email: 'foo@example.com', full_name: null }]);
  });

  test('a list response model', async () => {
    expect((await call(app, 'GET', '/list')).json()).toEqual([
      { name: 'Foo', description: null, price: 50.2, tax: 10.5, tags: [] },
      { name: 'Bar', description: 'The bartenders', price: 62, tax: 20.2, tags: [] },
    ]);
  });

  test('a value that fails the response model is a 500, never sent, logged with its path', async () => {
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const r = await call(app, 'GET', '/broken');
      expect(r.status).toBe(500);
      expect(r.text).not.toContain('Foo');
      expect(String(r.error)).toContain('response.price');
      expect((r.error as { code: string }).code).toBe('response_validation');
    } finally {
      spy.mockRestore();
    }
  });
});

describe('status codes and the injected Response', () => {
  test('204 sends no body', async () => {
    const r = await call(app, 'DELETE', '/items/1');
    expect([r.status, r.text, r.headers['content-length']]).toEqual([204, '', undefined]);
  });

  test('304 sends no body', async () => {
    const r = await call(app, 'GET', '/not-modified');
    expect([r.status, r.text]).toEqual([304, '']);
  });

  test('the temporal response changes the status (tutorial/response_change_status_code)', async () => {
    let r = await call(app, 'PUT', '/get-or-create-task/foo');
    expect([r.status, r.json()]).toEqual([200, 'Listen to the Bar Fighters']);
    r = await call(app, 'PUT', '/get-or-create-task/bar');
    expect([r.status, r.json()]).toEqual([201, "This didn't exist before"]);
  });

  test('cookies and headers set on the temporal response are merged', async () => {
    const r = await call(app, 'POST', '/cookie-and-object/');
    expect(r.json()).toEqual({ message: 'Come to the dark side, we have cookies' });
    expect(r.headers['x-cat-dog']).toBe('alone in the world');
    expect(r.headers['set-cookie']).toBe('fakesession=fake-cookie-session-value; Path=/; SameSite=lax');
  });

  test('the default JSON answer sends what JSONResponse sends: headers in order, HEAD without the body', async () => {
    const head = new FastAPI();
    head.apiRoute('/h', ['GET', 'HEAD'], { params: { response: Response } }, ({ response }) => {
      response.headers.set('x-sub', '1');
      return { 'ünï': 'cödé' };
    });
    const body = Buffer.from(JSON.stringify({ 'ünï': 'cödé' }), 'utf8');
    const expected = [['content-length', String(body.byteLength)], ['content-type', 'application/json'], ['x-sub', '1']];
    const get = await call(head, 'GET', '/h');
    expect([get.status, get.rawHeaders, get.text]).toEqual([200, expected, body.toString('utf8')]);
    const asHead = await call(head, 'HEAD', '/h');
    expect([asHead.status, asHead.rawHeaders, asHead.text]).toEqual([200, expected, '']);
    // The same bytes as the class it stands in for.
    const own = new JSONResponse({ 'ünï': 'cödé' });
    expect(own.rawHeaders).toEqual(expected.slice(0, 2));
    expect(Buffer.from(own.body).equals(body)).toBe(true);
  });

  test('a returned Response bypasses the response model', async () => {
    const r = await call(app, 'GET', '/own-response');
    expect([r.status, r.json(), r.headers['x-own']]).toEqual([202, { anything: 'goes' }, '1']);
    const redirect = await call(app, 'GET', '/redirect');
    expect([redirect.status, redirect.headers.location]).toEqual([307, '/items/foo']);
  });

  test('responseClass renders the value', async () => {
    const r = await call(app, 'GET', '/text');
    expect([r.status, r.text, r.headers['content-type']]).toEqual([200, 'plain', 'text/plain; charset=utf-8']);
  });

  test('without a model values are encoded like jsonable_encoder', async () => {
    expect((await call(app, 'GET', '/encoded')).json()).toEqual({
      when: '2020-01-01T00:00:00.000Z',
      tags: ['a'],
      big: 5,
      model: { name: 'N', description: null, price: 1, tax: 10.5, tags: [] },
    });
  });

  test('a responseModel on a 204 route is refused at start-up', () => {
    expect(() => new FastAPI().get('/x', { statusCode: 204, responseModel: Item }, () => undefined)).toThrow('must not have a response body');
  });
});
