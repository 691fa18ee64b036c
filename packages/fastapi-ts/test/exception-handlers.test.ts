// FastAPI's tutorial tests for errors (tutorial/handling_errors), ported.
import 'reflect-metadata';
import { z } from 'zod';
import {
  Body,
  FastAPI,
  HTTPException,
  Int,
  Path,
  PlainTextResponse,
  Request,
  RequestValidationError,
  httpExceptionHandler,
  requestValidationExceptionHandler,
  Model,
  jsonableEncoder,
} from '../src';
import { HTTPException as StarletteHTTPException, JSONResponse } from 'starlette-ts';
import { call } from './helpers';

const items: Record<string, string> = { foo: 'The Foo Wrestlers' };

describe('HTTPException (tutorial/handling_errors 001, 002)', () => {
  const app = new FastAPI();
  app.get('/items/{item_id}', { params: { item_id: Path() } }, ({ item_id }) => {
    if (!(item_id in items)) throw new HTTPException(404, 'Item not found');
    return { item: items[item_id] };
  });
  app.get('/items-header/{item_id}', { params: { item_id: Path() } }, ({ item_id }) => {
    if (!(item_id in items)) throw new HTTPException(404, 'Item not found', { 'X-Error': 'There goes my error' });
    return { item: items[item_id] };
  });
  app.get('/detail-object', {}, () => {
    throw new HTTPException(409, { code: 'conflict', ids: [1, 2] });
  });
  app.get('/no-content-error', {}, () => {
    throw new HTTPException(304);
  });

  test('found / not found', async () => {
    expect((await call(app, 'GET', '/items/foo')).json()).toEqual({ item: 'The Foo Wrestlers' });
    const r = await call(app, 'GET', '/items/bar');
    expect([r.status, r.json()]).toEqual([404, { detail: 'Item not found' }]);
  });

  test('headers are kept', async () => {
    const r = await call(app, 'GET', '/items-header/bar');
    expect([r.status, r.json(), r.headers['x-error']]).toEqual([404, { detail: 'Item not found' }, 'There goes my error']);
  });

  test('detail may be any JSON value', async () => {
    const r = await call(app, 'GET', '/detail-object');
    expect([r.status, r.json()]).toEqual([409, { detail: { code: 'conflict', ids: [1, 2] } }]);
  });

  test('a status without a body', async () => {
    const r = await call(app, 'GET', '/no-content-error');
    expect([r.status, r.text]).toEqual([304, '']);
  });

  test("Starlette's 404 and 405 get FastAPI's JSON body", async () => {
    let r = await call(app, 'GET', '/nowhere');
    expect([r.status, r.json()]).toEqual([404, { detail: 'Not Found' }]);
    r = await call(app, 'POST', '/items/foo');
    expect([r.status, r.json(), r.headers.allow]).toEqual([405, { detail: 'Method Not Allowed' }, 'GET']);
  });

  test('a GET operation does not answer HEAD (as FastAPI)', async () => {
    expect((await call(app, 'HEAD', '/items/foo')).status).toBe(405);
  });
});

describe('custom handlers (tutorial/handling_errors 003-006)', () => {
  class UnicornException extends Error {
    constructor(readonly unicornName: string) {
      super(unicornName);
    }
  }

  test('a handler for a custom error class (003)', async () => {
    const app = new FastAPI();
    app.exceptionHandler(UnicornException, (_request: Request, exc: UnicornException) =>
      new JSONResponse({ message: `Oops! ${exc.unicornName} did something. There goes a rainbow...` }, { status: 418 }),
    );
    app.get('/unicorns/{name}', { params: { name: Path() } }, ({ name }) => {
      if (name === 'yolo') throw new UnicornException(name);
      return { unicorn_name: name };
    });
    expect((await call(app, 'GET', '/unicorns/shinny')).json()).toEqual({ unicorn_name: 'shinny' });
    const r = await call(app, 'GET', '/unicorns/yolo');
    expect([r.status, r.json()]).toEqual([418, { message: 'Oops! yolo did something. There goes a rainbow...' }]);
  });

  test('overriding the validation and HTTP handlers (004)', async () => {
    const app = new FastAPI({
      exceptionHandlers: new Map<never, never>([
        [StarletteHTTPException as never, ((_r: Request, exc: StarletteHTTPException) => new PlainTextResponse(String(exc.detail), { status: exc.statusCode })) as never],
        [RequestValidationError as never, ((_r: Request, exc: RequestValidationError) => new PlainTextResponse(exc.message, { status: 400 })) as never],
      ]),
    });
    app.get('/items/{item_id}', { params: { item_id: Path(Int) } }, ({ item_id }) => {
      if (item_id === 3) throw new HTTPException(418, 'Nope! I don\'t like 3.');
      return { item_id };
    });
    let r = await call(app, 'GET', '/items/3');
    expect([r.status, r.text]).toEqual([418, "Nope! I don't like 3."]);
    r = await call(app, 'GET', '/items/foo');
    expect(r.status).toBe(400);
    expect(r.text).toContain('1 validation error for request');
    expect(r.text).toContain('path.item_id');
    expect(r.text).toContain('Input should be a valid integer, unable to parse string as an integer [type=int_parsing, input="foo"]');
  });

  test('the validation handler sees the body (005)', async () => {
    const app = new FastAPI();
    app.exceptionHandler(RequestValidationError, (_r: Request, exc: RequestValidationError) =>
      new JSONResponse(jsonableEncoder({ detail: exc.errors, body: exc.body }), { status: 422 }),
    );
    const Item = Model('Item', { title: z.string(), size: Int });
    app.post('/items/', { params: { item: Body(Item) } }, ({ item }) => item);
    const r = await call(app, 'POST', '/items/', { json: { title: 'towel', size: 'XL' } });
    expect([r.status, r.json()]).toEqual([
      422,
      {
        detail: [{ type: 'int_parsing', loc: ['body', 'size'], msg: 'Input should be a valid integer, unable to parse string as an integer', input: 'XL' }],
        body: { title: 'towel', size: 'XL' },
      },
    ]);
  });

  test('custom handlers can reuse the defaults (006)', async () => {
    const seen: string[] = [];
    const app = new FastAPI();
    app.exceptionHandler(StarletteHTTPException, (r: Request, exc: StarletteHTTPException) => {
      seen.push(`OMG! An HTTP error!: ${exc.toString()}`);
      return httpExceptionHandler(r, exc);
    });
    app.exceptionHandler(RequestValidationError, (r: Request, exc: RequestValidationError) => {
      seen.push('OMG! The client sent invalid data!');
      return requestValidationExceptionHandler(r, exc);
    });
    app.get('/items/{item_id}', { params: { item_id: Path(Int) } }, ({ item_id }) => {
      if (item_id === 3) throw new HTTPException(418, "Nope! I don't like 3.");
      return { item_id };
    });
    expect((await call(app, 'GET', '/items/2')).json()).toEqual({ item_id: 2 });
    let r = await call(app, 'GET', '/items/3');
    expect([r.status, r.json()]).toEqual([418, { detail: "Nope! I don't like 3." }]);
    r = await call(app, 'GET', '/items/foo');
    expect([r.status, r.json()]).toEqual([
      422,
      { detail: [{ type: 'int_parsing', loc: ['path', 'item_id'], msg: 'Input should be a valid integer, unable to parse string as an integer', input: 'foo' }] },
    ]);
    expect(seen).toEqual(["OMG! An HTTP error!: 418: Nope! I don't like 3.", 'OMG! The client sent invalid data!']);
  });
});
