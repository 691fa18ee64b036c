// The demo's OpenAPI document: valid OpenAPI 3.1, every route of the service
// in it, the security scheme behind /users/me, and the docs pages served.
import type { TestClient } from 'starlette-ts';
import { validateOpenapi } from '../../../packages/fastapi-ts/test/helpers/openapi';
import { startClient } from './helpers';

type Doc = {
  openapi: string;
  info: Record<string, unknown>;
  paths: Record<string, Record<string, { tags?: string[]; security?: unknown; requestBody?: { content: Record<string, unknown> }; responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }>; securitySchemes?: Record<string, unknown> };
};

let client: TestClient;
let doc: Doc;

beforeAll(async () => {
  ({ client } = await startClient());
  doc = (await client.get('/openapi.json')).json<Doc>();
});

afterAll(async () => {
  await client.close();
});

test('the document is valid OpenAPI 3.1', () => {
  const result = validateOpenapi(doc);
  expect(result).toEqual({ valid: true, version: '3.1', errors: null });
});

test('the validator does reject a broken document (this test can fail)', () => {
  const broken = { ...doc, paths: { ...doc.paths, '/users/': { get: { responses: 'nope' } } } };
  expect(validateOpenapi(broken).valid).toBe(false);
});

test('every HTTP route of the service is documented, with its methods', () => {
  const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
  expect(operations.sort()).toEqual(
    [
      'POST /token',
      'POST /users/',
      'GET /users/',
      'GET /users/me',
      'GET /users/{user_id}',
      'POST /users/{user_id}/items/',
      'GET /items/',
      'GET /catalog/{item_id}',
      'GET /hello-world',
      'GET /my-redirect',
      'GET /stream',
      'GET /sse/{id}',
      'GET /predict',
      'POST /send-notification/{email}',
      'GET /notifications',
      'GET /deps/items/',
      'GET /deps/class-items/',
      'GET /deps/query-or-cookie/',
      'GET /deps/verified-items/',
      'GET /deps/query-checker/',
      'GET /deps/yield/',
      'GET /deps/yield-error/',
      'GET /deps/cleanup-log/',
      'GET /chat',
    ].sort(),
  );
});

test('the info block', () => {
  expect(doc.openapi).toBe('3.1.0');
  expect(doc.info).toMatchObject({ title: 'Inventory', version: '0.1.0' });
});

test('/users/me requires the OAuth2 password bearer scheme, whose token URL is /token', () => {
  expect(doc.paths['/users/me'].get.security).toEqual([{ OAuth2PasswordBearer: [] }]);
  expect(doc.components.securitySchemes).toEqual({
    OAuth2PasswordBearer: { type: 'oauth2', flows: { password: { scopes: {}, tokenUrl: 'token' } } },
  });
});

test('POST /token takes a urlencoded form', () => {
  expect(Object.keys(doc.paths['/token'].post.requestBody?.content ?? {})).toEqual(['application/x-www-form-urlencoded']);
});

test('the models are components; User never shows a password', () => {
  const { schemas } = doc.components;
  for (const name of ['User', 'UserCreate', 'Item', 'ItemCreate', 'Token', 'CatalogItem', 'HTTPValidationError']) expect(Object.keys(schemas)).toContain(name);
  expect(Object.keys(schemas.User.properties ?? {})).toEqual(['email', 'id', 'is_active', 'items']);
  expect(schemas.UserCreate.required).toEqual(['email', 'password']);
  expect(Object.keys(schemas.CatalogItem.properties ?? {})).toEqual(['name', 'description', 'price', 'tax', 'tags']);
});

test('routes with parameters or bodies document the 422', () => {
  expect(Object.keys(doc.paths['/users/{user_id}'].get.responses)).toEqual(['200', '422']);
  expect(Object.keys(doc.paths['/hello-world'].get.responses)).toEqual(['200']);
});

test('tags group the routes', () => {
  expect(doc.paths['/users/'].post.tags).toEqual(['users']);
  expect(doc.paths['/deps/items/'].get.tags).toEqual(['dependencies']);
  expect(doc.paths['/stream'].get.tags).toEqual(['tutorials']);
});

test.each([
  ['/docs', 'swagger-ui'],
  ['/redoc', 'redoc'],
])('%s is served', async (path, marker) => {
  const r = await client.get(path);
  expect([r.status, r.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
  expect(r.text.toLowerCase()).toContain(marker);
  expect(r.text).toContain('/openapi.json');
});
