/**
 * OpenAPI through the real `FastAPI` app and TestClient: `/openapi.json` for
 * the FastAPI tutorial apps written with fastapi-ts (functional API and
 * controllers), `app.openapi()` caching, `rootPath`, and the docs routes.
 */
import 'reflect-metadata';
import { TestClient } from 'starlette-ts';
import { z } from 'zod';
import { Body, Controller, Cookie, Depends, FastAPI, Get, Header, Model, Path, Post, Query, dependency } from '../src';
import type { OpenAPIObject } from '../src/openapi/models';
import { HTTP_VALIDATION_ERROR, RESPONSE_422, VALIDATION_ERROR, validateOpenapi } from './helpers/openapi';

async function openapiOf(app: FastAPI, options: { rootPath?: string } = {}): Promise<OpenAPIObject> {
  const client = new TestClient(app, options);
  const response = await client.get('/openapi.json');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/json');
  return response.json() as OpenAPIObject;
}


test('body tutorial001 written with fastapi-ts serves exactly FastAPI\'s document', async () => {
  class Item extends Model('Item', {
    name: z.string(),
    description: z.string().nullable().optional(),
    price: z.number(),
    tax: z.number().nullable().optional(),
  }) {}
  const app = new FastAPI();
  app.post('/items/', { params: { item: Body(Item) } }, function create_item({ item }) {
    return item;
  });
  expect(await openapiOf(app)).toEqual({
    openapi: '3.1.0',
    info: { title: 'FastAPI', version: '0.1.0' },
    paths: {
      '/items/': {
        post: {
          responses: {
            '200': { description: 'Successful Response', content: { 'application/json': { schema: {} } } },
            '422': RESPONSE_422,
          },
          summary: 'Create Item',
          operationId: 'create_item_items__post',
          requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } }, required: true },
        },
      },
    },
    components: {
      schemas: {
        Item: {
          title: 'Item',
          required: ['name', 'price'],
          type: 'object',
          properties: {
            name: { title: 'Name', type: 'string' },
            price: { title: 'Price', type: 'number' },
            description: { title: 'Description', anyOf: [{ type: 'string' }, { type: 'null' }] },
            tax: { title: 'Tax', anyOf: [{ type: 'number' }, { type: 'null' }] },
          },
        },
        ValidationError: VALIDATION_ERROR,
        HTTPValidationError: HTTP_VALIDATION_ERROR,
      },
    },
  });
});

test('first_steps: a handler without parameters has no 422 and no components', async () => {
  const app = new FastAPI();
  app.get('/', {}, function root() {
    return { message: 'Hello World' };
  });
  expect(await openapiOf(app)).toEqual({
    openapi: '3.1.0',
    info: { title: 'FastAPI', version: '0.1.0' },
    paths: {
      '/': {
        get: {
          responses: { '200': { description: 'Successful Response', content: { 'application/json': { schema: {} } } } },
          summary: 'Root',
          operationId: 'root__get',
        },
      },
    },
  });
});

test('controllers: camelCase method names, tags, response models and path/query/header/cookie parameters', async () => {
  class Item extends Model('Item', { name: z.string(), price: z.number(), tax: z.number().default(10.5) }) {}
  const verifyToken = dependency({ x_token: Header(z.string()) }, ({ x_token }) => x_token);

  @Controller('/items', { tags: ['items'], dependencies: [Depends(verifyToken)] })
  class ItemsController {
    @Get('/{item_id}', { responseModel: Item, description: 'Read one item' })
    readItem(
      @Path('item_id', z.coerce.number().int()) itemId: number,
      @Query('q', z.string().optional(), { description: 'Search text' }) q: string | undefined,
      @Cookie('ads_id', z.string().optional()) adsId: string | undefined,
    ) {
      return { name: `item ${itemId} ${q ?? ''} ${adsId ?? ''}`, price: 1 };
    }

    @Post('/', { responseModel: Item, statusCode: 201 })
    createItem(@Body('item', Item) item: Item) {
      return item;
    }
  }

  const app = new FastAPI({ title: 'Inventory', version: '2.0.0' });
  app.include(ItemsController);
  const doc = await openapiOf(app);
  expect(validateOpenapi(doc)).toEqual({ valid: true, version: '3.1', errors: null });
  const read = doc.paths!['/items/{item_id}'].get!;
  expect(read.operationId).toBe('readItem_items__item_id__get');
  expect(read.summary).toBe('Read Item');
  expect(read.description).toBe('Read one item');
  expect(read.tags).toEqual(['items']);
  expect(read.parameters).toEqual([
    { name: 'item_id', in: 'path', required: true, schema: { title: 'Item Id', type: 'integer' } },
    { name: 'q', in: 'query', required: false, description: 'Search text', schema: { title: 'Q', type: 'string', description: 'Search text' } },
    { name: 'x-token', in: 'header', required: true, schema: { title: 'X-Token', type: 'string' } },
    { name: 'ads_id', in: 'cookie', required: false, schema: { title: 'Ads Id', type: 'string' } },
  ]);
  expect(read.responses!['200']).toEqual({
    description: 'Successful Response',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Item-Output' } } },
  });
  const create = doc.paths!['/items/'].post!;
  expect(create.operationId).toBe('createItem_items__post');
  expect(Object.keys(create.responses!)).toEqual(['201', '422']);
  expect(create.requestBody).toEqual({ content: { 'application/json': { schema: { $ref: '#/components/schemas/Item-Input' } } }, required: true });
  expect(doc.components!.schemas!['Item-Output']).toEqual({
    title: 'Item',
    type: 'object',
    properties: { name: { title: 'Name', type: 'string' }, price: { title: 'Price', type: 'number' }, tax: { title: 'Tax', type: 'number', default: 10.5 } },
    required: ['name', 'price', 'tax'],
  });
});

test('app.openapi() is generated once and cached; openapiSchema can be replaced', async () => {
  const app = new FastAPI({ title: 'Cached' });
  app.get('/a', {}, function a() {
    return 1;
  });
  const first = app.openapi();
  expect(app.openapi()).toBe(first);
  expect(app.openapiSchema).toBe(first);
  app.openapiSchema = { ...first, info: { ...first.info, 'x-logo': { url: 'https://example.com/logo.png' } } };
  expect((await openapiOf(app)).info).toEqual({ title: 'Cached', version: '0.1.0', 'x-logo': { url: 'https://example.com/logo.png' } });
});

test('the docs routes and hidden routes are not documented', async () => {
  const app = new FastAPI();
  app.get('/visible', {}, function visible() {
    return 1;
  });
  app.get('/hidden', { includeInSchema: false }, function hidden() {
    return 1;
  });
  expect(Object.keys((await openapiOf(app)).paths!)).toEqual(['/visible']);
});

test('rootPath puts the prefix in servers and in every docs URL', async () => {
  const app = new FastAPI({ rootPath: '/api/v1' });
  app.get('/app', {}, function read_main() {
    return { message: 'Hello World' };
  });
  const client = new TestClient(app);
  const doc = (await client.get('/openapi.json')).json() as OpenAPIObject;
  expect(doc.servers).toEqual([{ url: '/api/v1' }]);
  const docs = await client.get('/docs');
  expect(docs.status).toBe(200);
  expect(docs.text).toContain('url: "/api/v1/openapi.json",');
  expect(docs.text).toMatch(/<script src="\/api\/v1\/docs\/assets\/swagger-ui-bundle\.js\?v=[\d.]+"><\/script>/);
  const redoc = await client.get('/redoc');
  expect(redoc.text).toContain('<redoc spec-url="/api/v1/openapi.json"></redoc>');
});

test('the docs pages and their assets are served by the app', async () => {
  const client = new TestClient(new FastAPI({ title: 'Served' }));
  const docs = await client.get('/docs');
  expect([docs.status, docs.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
  expect(docs.text).toContain('<title>Served - Swagger UI</title>');
  const redoc = await client.get('/redoc');
  expect(redoc.text).toContain('<title>Served - ReDoc</title>');
  const bundle = await client.get('/docs/assets/swagger-ui-bundle.js');
  expect(bundle.status).toBe(200);
  expect(bundle.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  expect(bundle.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
  const again = await client.get('/docs/assets/swagger-ui-bundle.js', { headers: { 'if-none-match': bundle.headers.get('etag')! } });
  expect(again.status).toBe(304);
  expect((await client.get('/docs/assets/nope.js')).status).toBe(404);
  expect((await client.get('/docs/oauth2-redirect')).text).toContain('swaggerUIRedirectOauth2');
});

test('openapiUrl: null disables the document and all docs pages; docsUrl/redocUrl: null disable one', async () => {
  const none = new TestClient(new FastAPI({ openapiUrl: null }));
  for (const path of ['/openapi.json', '/docs', '/redoc', '/docs/assets/swagger-ui.css']) expect((await none.get(path)).status).toBe(404);
  const noDocs = new TestClient(new FastAPI({ docsUrl: null }));
  expect((await noDocs.get('/docs')).status).toBe(404);
  expect((await noDocs.get('/redoc')).status).toBe(200);
  const noRedoc = new TestClient(new FastAPI({ redocUrl: null }));
  expect((await noRedoc.get('/redoc')).status).toBe(404);
  expect((await noRedoc.get('/docs')).status).toBe(200);
});
