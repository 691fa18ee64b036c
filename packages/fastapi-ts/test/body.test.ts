// FastAPI's tutorial tests for request bodies (tutorial/body, body_multiple_params,
// body_nested_models, body_fields), ported, plus malformed and oversized bodies.
import 'reflect-metadata';
import { z } from 'zod';
import { Body, Controller, FastAPI, Int, Model, Path, Post, Put, Query } from '../src';
import type { HTTPReceiveMessage, HTTPScope, SendMessage } from 'asgi-core';
import { call } from './helpers';

class Item extends Model('Item', {
  name: z.string(),
  description: z.string().nullable().default(null),
  price: z.number(),
  tax: z.number().nullable().default(null),
}) {}

class User extends Model('User', { username: z.string(), full_name: z.string().nullable().default(null) }) {}

@Controller()
class ItemsController {
  @Post('/items/')
  create(@Body() item: Item) {
    if (!(item instanceof Item)) throw new Error('not an Item instance');
    return item;
  }

  @Put('/items/{item_id}')
  update(@Path('item_id', Int) itemId: number, @Body() item: Item, @Query('q', z.string().nullable().default(null)) q: string | null) {
    return { item_id: itemId, ...item, ...(q ? { q } : {}) };
  }

  @Put('/multi/{item_id}')
  multi(@Path('item_id', Int) itemId: number, @Body('item') item: Item, @Body('user') user: User, @Body('importance', Int) importance: number) {
    return { item_id: itemId, item, user, importance };
  }

  @Put('/embed/{item_id}')
  embed(@Path('item_id', Int) itemId: number, @Body('item', Item, { embed: true }) item: Item) {
    return { item_id: itemId, item };
  }
}

const app = new FastAPI({ maxBodySize: 1024 });
app.include(ItemsController);

const Image = Model('Image', { url: z.url(), name: z.string() });
const Offer = z.object({ name: z.string(), items: z.array(z.object({ name: z.string(), images: z.array(Image.schema).nullable().default(null) })) });
app.post('/offers/', { params: { offer: Body(Offer) } }, ({ offer }) => offer);
app.post('/index-weights/', { params: { weights: Body(z.record(z.string(), z.number())) } }, ({ weights }) => weights);
app.post('/text/', { params: { text: Body(z.string()) } }, ({ text }) => ({ text }));

describe('a single model body (tutorial/body)', () => {
  test('valid body; optional fields default to null', async () => {
    const r = await call(app, 'POST', '/items/', { json: { name: 'Foo', price: 50.5 } });
    expect([r.status, r.json()]).toEqual([200, { name: 'Foo', price: 50.5, description: null, tax: null }]);
  });

  test('numeric strings are accepted in lax mode, as pydantic', async () => {
    const r = await call(app, 'POST', '/items/', { json: { name: 'Foo', price: '50.5' } });
    expect([r.status, r.json()]).toEqual([200, { name: 'Foo', price: 50.5, description: null, tax: null }]);
  });

  test('missing field', async () => {
    const r = await call(app, 'POST', '/items/', { json: { name: 'Foo' } });
    expect([r.status, r.json()]).toEqual([422, { detail: [{ type: 'missing', loc: ['body', 'price'], msg: 'Field required', input: { name: 'Foo' } }] }]);
  });

  test('wrong type', async () => {
    const r = await call(app, 'POST', '/items/', { json: { name: 'Foo', price: 'twenty' } });
    expect(r.json()).toEqual({
      detail: [{ type: 'float_parsing', loc: ['body', 'price'], msg: 'Input should be a valid number, unable to parse string as a number', input: 'twenty' }],
    });
  });

  test('empty object: every required field is missing', async () => {
    const r = await call(app, 'POST', '/items/', { json: {} });
    expect(r.json()).toEqual({
      detail: [
        { type: 'missing', loc: ['body', 'name'], msg: 'Field required', input: {} },
        { type: 'missing', loc: ['body', 'price'], msg: 'Field required', input: {} },
      ],
    });
  });

  test('no body at all', async () => {
    const r = await call(app, 'POST', '/items/');
    expect([r.status, r.json()]).toEqual([422, { detail: [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }] }]);
  });

  test('a form body is not JSON', async () => {
    const r = await call(app, 'POST', '/items/', { body: 'name=Foo&price=50.5', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(r.json()).toEqual({
      detail: [{ type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', input: 'name=Foo&price=50.5' }],
    });
  });

  test('JSON without a content type is parsed; JSON-ish content types are parsed', async () => {
    for (const headers of [{}, { 'content-type': 'application/json' }, { 'content-type': 'application/geo+json' }, { 'content-type': 'application/json; charset=utf-8' }]) {
      const r = await call(app, 'POST', '/items/', { body: '{"name": "Foo", "price": 50.5}', headers });
      expect([r.status, r.json()]).toEqual([200, { name: 'Foo', price: 50.5, description: null, tax: null }]);
    }
  });

  test.each(['text/plain', 'application/geo+json-seq', 'application/not-really-json'])('a JSON body sent as %s is not parsed (strict content type)', async (type) => {
    const r = await call(app, 'POST', '/items/', { body: '{"name": "Foo", "price": 50.5}', headers: { 'content-type': type } });
    expect(r.json()).toEqual({
      detail: [
        {
          type: 'model_attributes_type',
          loc: ['body'],
          msg: 'Input should be a valid dictionary or object to extract fields from',
          input: '{"name": "Foo", "price": 50.5}',
        },
      ],
    });
  });

  test('broken JSON reports the position and Python message', async () => {
    const r = await call(app, 'POST', '/items/', { body: '{some broken json}', headers: { 'content-type': 'application/json' } });
    expect([r.status, r.json()]).toEqual([
      422,
      { detail: [{ type: 'json_invalid', loc: ['body', 1], msg: 'JSON decode error', input: {}, ctx: { error: 'Expecting property name enclosed in double quotes' } }] },
    ]);
  });

  test('a non-object body', async () => {
    const r = await call(app, 'POST', '/items/', { json: [1, 2] });
    expect(r.json().detail).toEqual([
      { type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', input: [1, 2] },
    ]);
  });

  test('body + path + query', async () => {
    const r = await call(app, 'PUT', '/items/5?q=somequery', { json: { name: 'Foo', price: 50.5 } });
    expect(r.json()).toEqual({ item_id: 5, name: 'Foo', price: 50.5, description: null, tax: null, q: 'somequery' });
  });
});

describe('several bodies (tutorial/body_multiple_params)', () => {
  test('bodies are keyed by name', async () => {
    const r = await call(app, 'PUT', '/multi/5', {
      json: { item: { name: 'Foo', price: 50.5 }, user: { username: 'dave' }, importance: 5 },
    });
    expect([r.status, r.json()]).toEqual([
      200,
      { item_id: 5, item: { name: 'Foo', description: null, price: 50.5, tax: null }, user: { username: 'dave', full_name: null }, importance: 5 },
    ]);
  });

  test('without a body every body parameter is missing', async () => {
    const r = await call(app, 'PUT', '/multi/5');
    expect(r.json()).toEqual({
      detail: [
        { type: 'missing', loc: ['body', 'item'], msg: 'Field required', input: null },
        { type: 'missing', loc: ['body', 'user'], msg: 'Field required', input: null },
        { type: 'missing', loc: ['body', 'importance'], msg: 'Field required', input: null },
      ],
    });
  });

  test('nested errors keep the body parameter in the location', async () => {
    const r = await call(app, 'PUT', '/multi/foo', { json: { item: { name: 'Foo' }, user: {}, importance: 'x' } });
    expect(r.json()).toEqual({
      detail: [
        { type: 'int_parsing', loc: ['path', 'item_id'], msg: 'Input should be a valid integer, unable to parse string as an integer', input: 'foo' },
        { type: 'missing', loc: ['body', 'item', 'price'], msg: 'Field required', input: { name: 'Foo' } },
        { type: 'missing', loc: ['body', 'user', 'username'], msg: 'Field required', input: {} },
        { type: 'int_parsing', loc: ['body', 'importance'], msg: 'Input should be a valid integer, unable to parse string as an integer', input: 'x' },
      ],
    });
  });

  test('embed keeps a single body under its name', async () => {
    let r = await call(app, 'PUT', '/embed/5', { json: { item: { name: 'Foo', price: 50.5 } } });
    expect(r.json()).toEqual({ item_id: 5, item: { name: 'Foo', description: null, price: 50.5, tax: null } });
    r = await call(app, 'PUT', '/embed/5', { json: { name: 'Foo', price: 50.5 } });
    expect(r.json()).toEqual({ detail: [{ type: 'missing', loc: ['body', 'item'], msg: 'Field required', input: null }] });
  });
});

describe('nested models and other body types (tutorial/body_nested_models)', () => {
  test('deeply nested valid body', async () => {
    const offer = { name: 'o', items: [{ name: 'i', images: [{ url: 'http://example.com/baz.jpg', name: 'The Foo live' }] }, { name: 'j' }] };
    const r = await call(app, 'POST', '/offers/', { json: offer });
    expect([r.status, r.json()]).toEqual([200, { name: 'o', items: [offer.items[0], { name: 'j', images: null }] }]);
  });

  test('errors deep inside carry the full location', async () => {
    const r = await call(app, 'POST', '/offers/', { json: { name: 'o', items: [{ name: 'i', images: [{ url: 'not a url' }] }] } });
    expect(r.json().detail.map((e: { loc: unknown; type: string }) => [e.type, e.loc])).toEqual([
      ['url_parsing', ['body', 'items', 0, 'images', 0, 'url']],
      ['missing', ['body', 'items', 0, 'images', 0, 'name']],
    ]);
  });

  test('a dict of floats', async () => {
    expect((await call(app, 'POST', '/index-weights/', { json: { '1': 2.2, '2': 3.3 } })).json()).toEqual({ '1': 2.2, '2': 3.3 });
    expect((await call(app, 'POST', '/index-weights/', { json: { foo: 'x' } })).json()).toEqual({
      detail: [{ type: 'float_parsing', loc: ['body', 'foo'], msg: 'Input should be a valid number, unable to parse string as a number', input: 'x' }],
    });
  });

  test('a string body accepts plain text', async () => {
    expect((await call(app, 'POST', '/text/', { body: 'hello', headers: { 'content-type': 'text/plain' } })).json()).toEqual({ text: 'hello' });
  });
});

describe('hostile and oversized bodies', () => {
  test('a body over maxBodySize is 413 (declared length)', async () => {
    const r = await call(app, 'POST', '/items/', { body: JSON.stringify({ name: 'x'.repeat(2000), price: 1 }), headers: { 'content-type': 'application/json' } });
    expect([r.status, r.json()]).toEqual([413, { detail: 'Request body too large' }]);
  });

  test('a streamed body over maxBodySize is 413 (no content-length)', async () => {
    const chunk = Buffer.from('x'.repeat(600));
    const r = await call(app, 'POST', '/items/', { chunks: [chunk, chunk], headers: { 'content-type': 'application/json' } });
    expect([r.status, r.json()]).toEqual([413, { detail: 'Request body too large' }]);
  });

  test('prototype keys in a body do not pollute', async () => {
    const r = await call(app, 'POST', '/items/', { body: '{"name": "Foo", "price": 1, "__proto__": {"polluted": true}}', headers: { 'content-type': 'application/json' } });
    expect([r.status, r.json()]).toEqual([200, { name: 'Foo', price: 1, description: null, tax: null }]);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  test('a body that cannot be read is 400, and the handler never runs (FastAPI: "There was an error parsing the body")', async () => {
    let ran = 0;
    const reading = new FastAPI();
    reading.post('/items/', { params: { item: Body(Item) } }, ({ item }) => (ran++, item));
    const scope = {
      type: 'http', asgi: { version: '3.0' }, http_version: '1.1', method: 'POST', scheme: 'http', path: '/items/', raw_path: '/items/',
      query_string: '', root_path: '', headers: [['content-type', 'application/json'], ['content-length', '30']], client: null, server: null,
    } as const;
    const receives: Array<() => Promise<HTTPReceiveMessage>> = [
      async () => ({ type: 'http.disconnect' }), // the client left before sending its body
      async () => {
        throw new Error('transport failed');
      },
      // Part of the body, then the client left.
      ((parts = 0) => async () => (parts++ === 0 ? { type: 'http.request', body: Buffer.from('{"name":'), more_body: true } : { type: 'http.disconnect' }))(),
    ];
    for (const receive of receives) {
      const sent: SendMessage[] = [];
      await reading.call({ ...scope, headers: [...scope.headers] } as unknown as HTTPScope, receive, async (m) => void sent.push(m));
      const start = sent[0] as { status: number };
      const body = Buffer.from((sent[1] as { body: Uint8Array }).body).toString();
      expect([start.status, body]).toEqual([400, '{"detail":"There was an error parsing the body"}']);
    }
    expect(ran).toBe(0);
  });

  test('invalid UTF-8 and truncated JSON are validation errors, not crashes', async () => {
    const r = await call(app, 'POST', '/items/', { body: '{"name": "Foo", "price":', headers: { 'content-type': 'application/json' } });
    expect(r.json()).toEqual({ detail: [{ type: 'json_invalid', loc: ['body', 24], msg: 'JSON decode error', input: {}, ctx: { error: 'Expecting value' } }] });
    const bad = await call(app, 'POST', '/items/', { body: Buffer.from([0x7b, 0xff, 0x7d]), headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(422);
    expect(bad.json().detail[0].type).toBe('json_invalid');
  });
});
