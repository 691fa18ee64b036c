// FastAPI's tutorial tests for path, query, header and cookie parameters, ported:
// same requests, same expected status and JSON.
import 'reflect-metadata';
import { z } from 'zod';
import { Controller, Cookie, Depends, FastAPI, Get, Header, Int, Path, Query } from '../src';
import { call } from './helpers';

const INT_MSG = 'Input should be a valid integer, unable to parse string as an integer';

describe('path parameters (tutorial/path_params)', () => {
  const app = new FastAPI();
  app.get('/items/{item_id}', { params: { item_id: Path(Int) } }, ({ item_id }) => ({ item_id }));
  const ModelName = z.enum(['alexnet', 'resnet', 'lenet']);
  app.get('/models/{model_name}', { params: { model_name: Path(ModelName) } }, ({ model_name }) => {
    if (model_name === 'alexnet') return { model_name, message: 'Deep Learning FTW!' };
    if (model_name === 'lenet') return { model_name, message: 'LeCNN all the images' };
    return { model_name, message: 'Have some residuals' };
  });
  app.get('/files/{file_path:path}', { params: { file_path: Path() } }, ({ file_path }) => ({ file_path }));

  test('an int path parameter is parsed', async () => {
    const r = await call(app, 'GET', '/items/42');
    expect([r.status, r.json()]).toEqual([200, { item_id: 42 }]);
  });

  test.each(['foo', '4.2'])('a non-integer path parameter (%s) is a 422 int_parsing', async (value) => {
    const r = await call(app, 'GET', `/items/${value}`);
    expect(r.status).toBe(422);
    expect(r.json()).toEqual({ detail: [{ type: 'int_parsing', loc: ['path', 'item_id'], msg: INT_MSG, input: value }] });
    expect(r.headers['content-type']).toBe('application/json');
  });

  test('error dicts keep FastAPI\'s key order: type, loc, msg, input, ctx', async () => {
    const r = await call(app, 'GET', '/items/foo');
    expect(r.text).toBe(JSON.stringify({ detail: [{ type: 'int_parsing', loc: ['path', 'item_id'], msg: INT_MSG, input: 'foo' }] }));
  });

  test.each([
    ['alexnet', 'Deep Learning FTW!'],
    ['lenet', 'LeCNN all the images'],
    ['resnet', 'Have some residuals'],
  ])('enum path parameter %s', async (name, message) => {
    const r = await call(app, 'GET', `/models/${name}`);
    expect([r.status, r.json()]).toEqual([200, { model_name: name, message }]);
  });

  test('an invalid enum value lists the expected values', async () => {
    const r = await call(app, 'GET', '/models/foo');
    expect(r.status).toBe(422);
    expect(r.json()).toEqual({
      detail: [
        {
          type: 'enum',
          loc: ['path', 'model_name'],
          msg: "Input should be 'alexnet', 'resnet' or 'lenet'",
          input: 'foo',
          ctx: { expected: "'alexnet', 'resnet' or 'lenet'" },
        },
      ],
    });
  });

  test('a path convertor keeps slashes', async () => {
    const r = await call(app, 'GET', '/files//home/johndoe/myfile.txt');
    expect([r.status, r.json()]).toEqual([200, { file_path: '/home/johndoe/myfile.txt' }]);
  });

  test('numeric validations (path_params_numeric_validations)', async () => {
    const a = new FastAPI();
    a.get('/items/{item_id}', { params: { item_id: Path(Int.gte(0).lte(1000)), size: Query(z.number().gt(0).lt(10.5)) } }, (v) => v);
    let r = await call(a, 'GET', '/items/42?size=2.5');
    expect([r.status, r.json()]).toEqual([200, { item_id: 42, size: 2.5 }]);
    r = await call(a, 'GET', '/items/1001?size=0');
    expect(r.json()).toEqual({
      detail: [
        { type: 'less_than_equal', loc: ['path', 'item_id'], msg: 'Input should be less than or equal to 1000', input: '1001', ctx: { le: 1000 } },
        { type: 'greater_than', loc: ['query', 'size'], msg: 'Input should be greater than 0', input: '0', ctx: { gt: 0 } },
      ],
    });
  });
});

describe('query parameters (tutorial/query_params)', () => {
  const fakeItemsDb = [{ item_name: 'Foo' }, { item_name: 'Bar' }, { item_name: 'Baz' }];
  const app = new FastAPI();
  app.get('/items/', { params: { skip: Query(Int.default(0)), limit: Query(Int.default(10)) } }, ({ skip, limit }) => fakeItemsDb.slice(skip, skip + limit));
  app.get(
    '/items/{item_id}',
    { params: { item_id: Path(), needy: Query(z.string()), skip: Query(Int.default(0)), limit: Query(Int.nullable().default(null)) } },
    ({ item_id, needy, skip, limit }) => ({ item_id, needy, skip, limit }),
  );
  app.get('/flags/{item_id}', { params: { item_id: Path(), short: Query(z.boolean().default(false)) } }, ({ item_id, short }) => ({ item_id, short }));
  app.get('/page/', { params: { size: Query(Int.default(5).optional()) } }, ({ size }) => ({ size }));

  test('defaults apply when absent', async () => {
    const r = await call(app, 'GET', '/items/');
    expect([r.status, r.json()]).toEqual([200, fakeItemsDb]);
  });

  test('an optional default (`.default(5).optional()`) gives its default when absent, as zod does', async () => {
    expect((await call(app, 'GET', '/page/')).json()).toEqual({ size: 5 });
    expect((await call(app, 'GET', '/page/?size=7')).json()).toEqual({ size: 7 });
  });

  test('skip and limit', async () => {
    expect((await call(app, 'GET', '/items/?skip=1')).json()).toEqual([{ item_name: 'Bar' }, { item_name: 'Baz' }]);
    expect((await call(app, 'GET', '/items/?skip=1&limit=1')).json()).toEqual([{ item_name: 'Bar' }]);
  });

  test('a required query parameter', async () => {
    let r = await call(app, 'GET', '/items/foo-item?needy=very');
    expect([r.status, r.json()]).toEqual([200, { item_id: 'foo-item', needy: 'very', skip: 0, limit: null }]);
    r = await call(app, 'GET', '/items/foo-item');
    expect([r.status, r.json()]).toEqual([422, { detail: [{ type: 'missing', loc: ['query', 'needy'], msg: 'Field required', input: null }] }]);
  });

  test('all errors of a request are reported together', async () => {
    const r = await call(app, 'GET', '/items/foo?skip=a&limit=b');
    expect(r.status).toBe(422);
    expect(r.json()).toEqual({
      detail: [
        { type: 'missing', loc: ['query', 'needy'], msg: 'Field required', input: null },
        { type: 'int_parsing', loc: ['query', 'skip'], msg: INT_MSG, input: 'a' },
        { type: 'int_parsing', loc: ['query', 'limit'], msg: INT_MSG, input: 'b' },
      ],
    });
  });

  test.each([
    ['1', true],
    ['True', true],
    ['true', true],
    ['on', true],
    ['yes', true],
    ['0', false],
    ['off', false],
    ['no', false],
  ])('bool query %s -> %s', async (value, expected) => {
    const r = await call(app, 'GET', `/flags/foo?short=${value}`);
    expect([r.status, r.json()]).toEqual([200, { item_id: 'foo', short: expected }]);
  });

  test('an invalid bool is bool_parsing', async () => {
    const r = await call(app, 'GET', '/flags/foo?short=maybe');
    expect(r.json()).toEqual({
      detail: [{ type: 'bool_parsing', loc: ['query', 'short'], msg: 'Input should be a valid boolean, unable to interpret input', input: 'maybe' }],
    });
  });

  test('the last of repeated keys wins for a scalar; + and %xx decode', async () => {
    const a = new FastAPI();
    a.get('/q', { params: { q: Query() } }, ({ q }) => ({ q }));
    expect((await call(a, 'GET', '/q?q=a&q=b+c%21')).json()).toEqual({ q: 'b c!' });
    expect((await call(a, 'GET', '/q?q=')).json()).toEqual({ q: '' });
  });
});

describe('query string validations (tutorial/query_params_str_validations)', () => {
  const app = new FastAPI();
  const items = [{ item_id: 'Foo' }, { item_id: 'Bar' }];
  app.get(
    '/items/',
    { params: { q: Query(z.string().min(3).max(50).regex(/^fixedquery$/).nullable().default(null)) } },
    ({ q }) => ({ items, ...(q ? { q } : {}) }),
  );
  app.get('/list/', { params: { q: Query(z.array(z.string()).nullable().default(null)) } }, ({ q }) => ({ q }));
  app.get('/list-default/', { params: { q: Query(z.array(z.string()).default(['foo', 'bar'])) } }, ({ q }) => ({ q }));
  app.get('/alias/', { params: { q: Query(z.string().nullable().default(null), { alias: 'item-query' }) } }, ({ q }) => ({ q }));

  test('a valid value passes the pattern', async () => {
    expect((await call(app, 'GET', '/items/?q=fixedquery')).json()).toEqual({ items, q: 'fixedquery' });
    expect((await call(app, 'GET', '/items/')).json()).toEqual({ items });
  });

  test('pattern and length errors', async () => {
    let r = await call(app, 'GET', '/items/?q=nonregexquery');
    expect(r.json()).toEqual({
      detail: [
        {
          type: 'string_pattern_mismatch',
          loc: ['query', 'q'],
          msg: "String should match pattern '^fixedquery$'",
          input: 'nonregexquery',
          ctx: { pattern: '^fixedquery$' },
        },
      ],
    });
    r = await call(app, 'GET', '/items/?q=fa');
    expect(r.json().detail[0]).toEqual({ type: 'string_too_short', loc: ['query', 'q'], msg: 'String should have at least 3 characters', input: 'fa', ctx: { min_length: 3 } });
  });

  test('repeated keys fill a list', async () => {
    expect((await call(app, 'GET', '/list/?q=foo&q=bar')).json()).toEqual({ q: ['foo', 'bar'] });
    expect((await call(app, 'GET', '/list/')).json()).toEqual({ q: null });
    expect((await call(app, 'GET', '/list-default/')).json()).toEqual({ q: ['foo', 'bar'] });
    expect((await call(app, 'GET', '/list-default/?q=baz')).json()).toEqual({ q: ['baz'] });
  });

  test('an alias is the wire name', async () => {
    expect((await call(app, 'GET', '/alias/?item-query=fixedquery')).json()).toEqual({ q: 'fixedquery' });
    expect((await call(app, 'GET', '/alias/?q=fixedquery')).json()).toEqual({ q: null });
  });
});

describe('headers and cookies (tutorial/header_params, cookie_params)', () => {
  @Controller()
  class Headers {
    @Get('/items/')
    read(@Header('user_agent', z.string().nullable().default(null)) userAgent: string | null) {
      return { 'User-Agent': userAgent };
    }

    @Get('/strange/')
    strange(@Header('strange_header', z.string().nullable().default(null), { convertUnderscores: false }) value: string | null) {
      return { strange_header: value };
    }

    @Get('/tokens/')
    tokens(@Header('x_token', z.array(z.string()).nullable().default(null)) tokens: string[] | null) {
      return { 'X-Token values': tokens };
    }

    @Get('/cookies/')
    cookies(@Cookie('ads_id', z.string().nullable().default(null)) adsId: string | null) {
      return { ads_id: adsId };
    }

    @Get('/required/')
    required(@Header('x_token') token: string, @Cookie('session') session: string) {
      return { token, session };
    }
  }
  const app = new FastAPI().include(Headers);

  test('underscores become hyphens', async () => {
    expect((await call(app, 'GET', '/items/', { headers: { 'User-Agent': 'Mozilla/5.0' } })).json()).toEqual({ 'User-Agent': 'Mozilla/5.0' });
    expect((await call(app, 'GET', '/items/')).json()).toEqual({ 'User-Agent': null });
  });

  test('convertUnderscores: false keeps the name', async () => {
    expect((await call(app, 'GET', '/strange/', { headers: { strange_header: 'x' } })).json()).toEqual({ strange_header: 'x' });
    expect((await call(app, 'GET', '/strange/', { headers: { 'strange-header': 'x' } })).json()).toEqual({ strange_header: null });
  });

  test('repeated headers fill a list', async () => {
    const r = await call(app, 'GET', '/tokens/', { headers: [['X-Token', 'foo'], ['X-Token', 'bar']] });
    expect(r.json()).toEqual({ 'X-Token values': ['foo', 'bar'] });
  });

  test('cookies', async () => {
    expect((await call(app, 'GET', '/cookies/', { headers: { Cookie: 'ads_id=ads_track' } })).json()).toEqual({ ads_id: 'ads_track' });
    expect((await call(app, 'GET', '/cookies/', { headers: { Cookie: 'ads_id=ads_track; session=cookiesession' } })).json()).toEqual({ ads_id: 'ads_track' });
    expect((await call(app, 'GET', '/cookies/')).json()).toEqual({ ads_id: null });
  });

  test('missing required header and cookie, with the reflected String type', async () => {
    const r = await call(app, 'GET', '/required/');
    expect(r.json()).toEqual({
      detail: [
        { type: 'missing', loc: ['header', 'x-token'], msg: 'Field required', input: null },
        { type: 'missing', loc: ['cookie', 'session'], msg: 'Field required', input: null },
      ],
    });
  });
});

describe('undecorated handler parameters (FastAPI reads the signature)', () => {
  @Controller('/u')
  class Undecorated {
    @Get('/{item_id}')
    read(item_id: number, q: string) {
      return { item_id, q };
    }
  }
  const app = new FastAPI().include(Undecorated);

  test('a name in the path is a path parameter, others are query parameters', async () => {
    expect((await call(app, 'GET', '/u/1.5?q=x')).json()).toEqual({ item_id: 1.5, q: 'x' });
    const r = await call(app, 'GET', '/u/x');
    expect(r.json()).toEqual({
      detail: [
        { type: 'float_parsing', loc: ['path', 'item_id'], msg: 'Input should be a valid number, unable to parse string as a number', input: 'x' },
        { type: 'missing', loc: ['query', 'q'], msg: 'Field required', input: null },
      ],
    });
  });
});

describe('undecorated parameters with source defaults, and hostile names', () => {
  // One decorated parameter makes TypeScript emit the constructor's types (design:paramtypes).
  class CommonQueryParams {
    constructor(
      @Query('q', z.string().default('')) public q: string,
      public skip: number = 0,
      public limit: number = 100,
    ) {}
  }
  @Controller()
  class C {
    @Get('/class/')
    read(@Depends() commons: CommonQueryParams) {
      return { ...commons };
    }

    @Get('/proto/')
    proto(@Cookie('constructor', z.string().nullable().default(null)) c: string | null, @Query('toString', z.string().nullable().default(null)) t: string | null) {
      return { c, t };
    }
  }
  const app = new FastAPI().include(C);

  test('a default in the constructor makes the query parameter optional', async () => {
    expect((await call(app, 'GET', '/class/')).json()).toEqual({ q: '', skip: 0, limit: 100 });
    expect((await call(app, 'GET', '/class/?q=x&skip=1&limit=2')).json()).toEqual({ q: 'x', skip: 1, limit: 2 });
  });

  test('names of Object.prototype members are not read from the prototype', async () => {
    expect((await call(app, 'GET', '/proto/')).json()).toEqual({ c: null, t: null });
  });
});
