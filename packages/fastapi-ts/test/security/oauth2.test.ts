/**
 * OAuth2, OAuth2PasswordBearer, OAuth2AuthorizationCodeBearer, OpenIdConnect
 * and the password flow's forms, as FastAPI's tests/test_security_oauth2*.py
 * and test_security_openid_connect*.py.
 */
import 'reflect-metadata';
import { TestClient } from 'starlette-ts';
import {
  Controller,
  Depends,
  FastAPI,
  OAuth2,
  OAuth2AuthorizationCodeBearer,
  OAuth2PasswordBearer,
  OAuth2PasswordRequestForm,
  OAuth2PasswordRequestFormStrict,
  OpenIdConnect,
  Post,
  Security,
  dependency,
} from '../../src';
import { answer } from './helpers';

const NOT_AUTHENTICATED = { detail: 'Not authenticated' };
const CREATE_ACCOUNT = { msg: 'Create an account first' };

type Doc = { components: { securitySchemes: unknown; schemas: Record<string, unknown> }; paths: Record<string, Record<string, { security?: unknown }>> };
const openapi = async (app: FastAPI): Promise<Doc> => (await new TestClient(app).get('/openapi.json')).json<Doc>();

/** `GET /users/me` through a `get_current_user` dependency, as FastAPI's tests. */
function userApp(scheme: unknown): FastAPI {
  const getCurrentUser = dependency({ oauthHeader: Security(scheme) }, function get_current_user({ oauthHeader }) {
    return oauthHeader === undefined ? undefined : { username: oauthHeader as string };
  });
  const app = new FastAPI();
  app.get('/users/me', { params: { currentUser: Depends(getCurrentUser) } }, function read_current_user({ currentUser }) {
    return currentUser ?? CREATE_ACCOUNT;
  });
  return app;
}

/** `GET /items` giving the token, as FastAPI's bearer tests. */
function itemsApp(scheme: unknown): FastAPI {
  const app = new FastAPI();
  app.get('/items', { params: { token: Security(scheme) } }, function read_items({ token }) {
    return token === undefined ? CREATE_ACCOUNT : { token };
  });
  return app;
}

describe('OAuth2 (any flows)', () => {
  const scheme = new OAuth2({ flows: { password: { tokenUrl: 'token', scopes: { 'read:users': 'Read the users', 'write:users': 'Create users' } } } });
  const client = new TestClient(userApp(scheme));

  test('gives the whole Authorization header, whatever its scheme', async () => {
    expect(answer(await client.get('/users/me', { headers: { Authorization: 'Bearer footokenbar' } }))).toEqual([200, { username: 'Bearer footokenbar' }, null]);
    expect(answer(await client.get('/users/me', { headers: { Authorization: 'Other footokenbar' } }))).toEqual([200, { username: 'Other footokenbar' }, null]);
  });

  test('no header: 401 Not authenticated with the Bearer challenge; autoError false gives undefined', async () => {
    expect(answer(await client.get('/users/me'))).toEqual([401, NOT_AUTHENTICATED, 'Bearer']);
    expect(answer(await client.get('/users/me', { headers: { Authorization: '' } }))).toEqual([401, NOT_AUTHENTICATED, 'Bearer']);
    const optional = new TestClient(userApp(new OAuth2({ autoError: false })));
    expect(answer(await optional.get('/users/me'))).toEqual([200, CREATE_ACCOUNT, null]);
  });

  test('OpenAPI: the flows as given, with scopes always present', async () => {
    const doc = await openapi(userApp(scheme));
    expect(doc.components.securitySchemes).toEqual({
      OAuth2: { type: 'oauth2', flows: { password: { tokenUrl: 'token', scopes: { 'read:users': 'Read the users', 'write:users': 'Create users' } } } },
    });
    expect(doc.paths['/users/me'].get.security).toEqual([{ OAuth2: [] }]);
    const several = new OAuth2({ flows: { implicit: { authorizationUrl: 'auth' }, clientCredentials: { tokenUrl: 'tok', refreshUrl: 'ref' } }, description: 'Many' });
    expect((await openapi(userApp(several))).components.securitySchemes).toEqual({
      OAuth2: {
        type: 'oauth2',
        description: 'Many',
        flows: { implicit: { authorizationUrl: 'auth', scopes: {} }, clientCredentials: { tokenUrl: 'tok', refreshUrl: 'ref', scopes: {} } },
      },
    });
  });
});

describe('OAuth2PasswordBearer', () => {
  const client = new TestClient(itemsApp(new OAuth2PasswordBearer({ tokenUrl: '/token' })));
  const optional = new TestClient(itemsApp(new OAuth2PasswordBearer({ tokenUrl: '/token', autoError: false })));

  test('gives the bearer token, trimmed; the scheme is case-insensitive', async () => {
    expect(answer(await client.get('/items', { headers: { Authorization: 'Bearer testtoken' } }))).toEqual([200, { token: 'testtoken' }, null]);
    expect(answer(await client.get('/items', { headers: { Authorization: 'bEARER  testtoken ' } }))).toEqual([200, { token: 'testtoken' }, null]);
  });

  test('missing header or another scheme: 401 Not authenticated, WWW-Authenticate: Bearer', async () => {
    for (const headers of <Array<Record<string, string>>>[{}, { Authorization: 'Notexistent testtoken' }, { Authorization: 'Basic dXNlcjpwYXNz' }, { Authorization: 'Bearertesttoken' }]) {
      expect(answer(await client.get('/items', { headers }))).toEqual([401, NOT_AUTHENTICATED, 'Bearer']);
    }
  });

  test('"Bearer" with no token gives an empty token, as FastAPI does', async () => {
    expect(answer(await client.get('/items', { headers: { Authorization: 'Bearer' } }))).toEqual([200, { token: '' }, null]);
  });

  test('autoError false: missing or another scheme gives undefined', async () => {
    expect(answer(await optional.get('/items'))).toEqual([200, CREATE_ACCOUNT, null]);
    expect(answer(await optional.get('/items', { headers: { Authorization: 'Notexistent testtoken' } }))).toEqual([200, CREATE_ACCOUNT, null]);
    expect(answer(await optional.get('/items', { headers: { Authorization: 'Bearer testtoken' } }))).toEqual([200, { token: 'testtoken' }, null]);
  });

  test('OpenAPI: the password flow with tokenUrl, refreshUrl, scopes and description', async () => {
    let doc = await openapi(itemsApp(new OAuth2PasswordBearer({ tokenUrl: '/token', autoError: false })));
    expect(doc.components.securitySchemes).toEqual({ OAuth2PasswordBearer: { type: 'oauth2', flows: { password: { tokenUrl: '/token', scopes: {} } } } });
    expect(doc.paths['/items'].get.security).toEqual([{ OAuth2PasswordBearer: [] }]);
    doc = await openapi(
      itemsApp(new OAuth2PasswordBearer({ tokenUrl: 'token', refreshUrl: 'refresh', scopes: { read: 'Read' }, description: 'OAuth2PasswordBearer security scheme', schemeName: 'Password' })),
    );
    expect(doc.components.securitySchemes).toEqual({
      Password: {
        type: 'oauth2',
        description: 'OAuth2PasswordBearer security scheme',
        flows: { password: { tokenUrl: 'token', refreshUrl: 'refresh', scopes: { read: 'Read' } } },
      },
    });
    expect(doc.paths['/items'].get.security).toEqual([{ Password: [] }]);
  });
});

describe('OAuth2AuthorizationCodeBearer', () => {
  const scheme = new OAuth2AuthorizationCodeBearer({ authorizationUrl: 'authorize', tokenUrl: 'token', autoError: true });
  const client = new TestClient(itemsApp(scheme));

  test('gives the bearer token; missing or another scheme is 401 with the Bearer challenge', async () => {
    expect(answer(await client.get('/items', { headers: { Authorization: 'Bearer testtoken' } }))).toEqual([200, { token: 'testtoken' }, null]);
    expect(answer(await client.get('/items', { headers: { Authorization: 'Bearer  testtoken ' } }))).toEqual([200, { token: 'testtoken' }, null]);
    expect(answer(await client.get('/items'))).toEqual([401, NOT_AUTHENTICATED, 'Bearer']);
    expect(answer(await client.get('/items', { headers: { Authorization: 'Non-existent testtoken' } }))).toEqual([401, NOT_AUTHENTICATED, 'Bearer']);
    const optional = new TestClient(itemsApp(new OAuth2AuthorizationCodeBearer({ authorizationUrl: 'a', tokenUrl: 't', autoError: false })));
    expect(answer(await optional.get('/items'))).toEqual([200, CREATE_ACCOUNT, null]);
  });

  test('OpenAPI: the authorizationCode flow, and the scopes a route asks for', async () => {
    const scoped = new OAuth2AuthorizationCodeBearer({
      authorizationUrl: 'authorize',
      tokenUrl: 'token',
      refreshUrl: 'refresh',
      scopes: { read: 'Read access', write: 'Write access' },
      description: 'OAuth2 Code Bearer',
    });
    const app = new FastAPI();
    app.get('/items', { params: { token: Security(scoped, { scopes: ['read'] }) } }, function read_items({ token }) {
      return { token };
    });
    app.post('/items', { params: { token: Security(scoped, { scopes: ['read', 'write'] }) } }, function create_item({ token }) {
      return { token };
    });
    app.get('/public', {}, function read_public() {
      return {};
    });
    const doc = await openapi(app);
    expect(doc.components.securitySchemes).toEqual({
      OAuth2AuthorizationCodeBearer: {
        type: 'oauth2',
        description: 'OAuth2 Code Bearer',
        flows: { authorizationCode: { authorizationUrl: 'authorize', tokenUrl: 'token', refreshUrl: 'refresh', scopes: { read: 'Read access', write: 'Write access' } } },
      },
    });
    expect(doc.paths['/items'].get.security).toEqual([{ OAuth2AuthorizationCodeBearer: ['read'] }]);
    expect(doc.paths['/items'].post.security).toEqual([{ OAuth2AuthorizationCodeBearer: ['read', 'write'] }]);
    expect(doc.paths['/public'].get.security).toBeUndefined();
  });
});

describe('OpenIdConnect', () => {
  const client = new TestClient(userApp(new OpenIdConnect({ openIdConnectUrl: '/openid' })));

  test('gives the whole Authorization header; none is 401 with the Bearer challenge', async () => {
    expect(answer(await client.get('/users/me', { headers: { Authorization: 'Bearer footokenbar' } }))).toEqual([200, { username: 'Bearer footokenbar' }, null]);
    expect(answer(await client.get('/users/me', { headers: { Authorization: 'Other footokenbar' } }))).toEqual([200, { username: 'Other footokenbar' }, null]);
    expect(answer(await client.get('/users/me'))).toEqual([401, NOT_AUTHENTICATED, 'Bearer']);
  });

  test('autoError false gives undefined', async () => {
    const optional = new TestClient(userApp(new OpenIdConnect({ openIdConnectUrl: '/openid', autoError: false })));
    expect(answer(await optional.get('/users/me'))).toEqual([200, CREATE_ACCOUNT, null]);
  });

  test('OpenAPI: type openIdConnect with the URL and description', async () => {
    const doc = await openapi(userApp(new OpenIdConnect({ openIdConnectUrl: '/openid', description: 'OpenIdConnect security scheme' })));
    expect(doc.components.securitySchemes).toEqual({ OpenIdConnect: { type: 'openIdConnect', openIdConnectUrl: '/openid', description: 'OpenIdConnect security scheme' } });
    expect(doc.paths['/users/me'].get.security).toEqual([{ OpenIdConnect: [] }]);
  });
});

describe('OAuth2PasswordRequestForm', () => {
  const app = new FastAPI();
  app.post('/login', { params: { form: Depends(OAuth2PasswordRequestForm) } }, function login({ form }) {
    expect(form).toBeInstanceOf(OAuth2PasswordRequestForm);
    return { ...form, grantType: form.grantType ?? null, clientId: form.clientId ?? null, clientSecret: form.clientSecret ?? null };
  });
  app.post('/strict', { params: { form: Depends(OAuth2PasswordRequestFormStrict) } }, function login_strict({ form }) {
    return { grantType: form.grantType, username: form.username, scopes: form.scopes };
  });
  const client = new TestClient(app);

  test('reads the fields; scope is split at whitespace; absent optional fields are undefined', async () => {
    let response = await client.post('/login', { data: { username: 'johndoe', password: 'secret' } });
    expect(answer(response)).toEqual([200, { grantType: null, username: 'johndoe', password: 'secret', scopes: [], clientId: null, clientSecret: null }, null]);
    response = await client.post('/login', {
      data: { grant_type: 'password', username: 'johndoe', password: 'p:w d', scope: ' me  items:read\tprofile ', client_id: 'app', client_secret: 's3' },
    });
    expect(answer(response)).toEqual([
      200,
      { grantType: 'password', username: 'johndoe', password: 'p:w d', scopes: ['me', 'items:read', 'profile'], clientId: 'app', clientSecret: 's3' },
      null,
    ]);
  });

  test('multipart forms are read too', async () => {
    // A file part makes the TestClient send multipart/form-data.
    const response = await client.post('/login', { data: { username: 'johndoe', password: 'secret', scope: 'me' }, files: { unused: ['a.txt', 'a'] } });
    expect(answer(response)).toEqual([200, { grantType: null, username: 'johndoe', password: 'secret', scopes: ['me'], clientId: null, clientSecret: null }, null]);
  });

  test('missing fields, a wrong grant_type, JSON instead of a form: 422 with FastAPI\'s errors', async () => {
    let response = await client.post('/login');
    expect(answer(response)).toEqual([
      422,
      {
        detail: [
          { type: 'missing', loc: ['body', 'username'], msg: 'Field required', input: null },
          { type: 'missing', loc: ['body', 'password'], msg: 'Field required', input: null },
        ],
      },
      null,
    ]);
    response = await client.post('/login', { data: { username: 'johndoe', password: 'secret', grant_type: 'client_credentials' } });
    expect(answer(response)).toEqual([
      422,
      {
        detail: [
          {
            type: 'string_pattern_mismatch',
            loc: ['body', 'grant_type'],
            msg: "String should match pattern '^password$'",
            input: 'client_credentials',
            ctx: { pattern: '^password$' },
          },
        ],
      },
      null,
    ]);
  });

  test('Strict: grant_type is required and must be exactly "password"', async () => {
    let response = await client.post('/strict');
    expect(answer(response)).toEqual([
      422,
      {
        detail: [
          { type: 'missing', loc: ['body', 'grant_type'], msg: 'Field required', input: null },
          { type: 'missing', loc: ['body', 'username'], msg: 'Field required', input: null },
          { type: 'missing', loc: ['body', 'password'], msg: 'Field required', input: null },
        ],
      },
      null,
    ]);
    response = await client.post('/strict', { data: { username: 'johndoe', password: 'secret' } });
    expect(answer(response)).toEqual([422, { detail: [{ type: 'missing', loc: ['body', 'grant_type'], msg: 'Field required', input: null }] }, null]);
    for (const grantType of ['incorrect', 'passwordblah', 'blahpassword', 'Password']) {
      response = await client.post('/strict', { data: { username: 'johndoe', password: 'secret', grant_type: grantType } });
      expect(answer(response)).toEqual([
        422,
        {
          detail: [
            { type: 'string_pattern_mismatch', loc: ['body', 'grant_type'], msg: "String should match pattern '^password$'", input: grantType, ctx: { pattern: '^password$' } },
          ],
        },
        null,
      ]);
    }
    response = await client.post('/strict', { data: { username: 'johndoe', password: 'secret', grant_type: 'password', scope: 'a b' } });
    expect(answer(response)).toEqual([200, { grantType: 'password', username: 'johndoe', scopes: ['a', 'b'] }, null]);
  });

  test('a controller takes the form with @Depends() and the reflected class', async () => {
    @Controller('')
    class AuthController {
      @Post('/token')
      login(@Depends() form: OAuth2PasswordRequestForm) {
        return { username: form.username, scopes: form.scopes };
      }
    }
    const controllerApp = new FastAPI();
    controllerApp.include(AuthController);
    const c = new TestClient(controllerApp);
    expect(answer(await c.post('/token', { data: { username: 'johndoe', password: 'secret', scope: 'me' } }))).toEqual([200, { username: 'johndoe', scopes: ['me'] }, null]);
    expect(answer(await c.post('/token', { data: { username: 'johndoe' } }))).toEqual([
      422,
      { detail: [{ type: 'missing', loc: ['body', 'password'], msg: 'Field required', input: null }] },
      null,
    ]);
    const doc = await openapi(controllerApp);
    expect(Object.keys(doc.components.schemas)).toContain('Body_login_token_post');
  });

  test('OpenAPI: the Strict form requires grant_type and has no password format', async () => {
    const doc = await openapi(app);
    expect(doc.components.schemas.Body_login_strict_strict_post).toEqual({
      title: 'Body_login_strict_strict_post',
      required: ['grant_type', 'username', 'password'],
      type: 'object',
      properties: {
        grant_type: { title: 'Grant Type', type: 'string', pattern: '^password$' },
        username: { title: 'Username', type: 'string' },
        password: { title: 'Password', type: 'string' },
        scope: { title: 'Scope', type: 'string', default: '' },
        client_id: { title: 'Client Id', anyOf: [{ type: 'string' }, { type: 'null' }] },
        client_secret: { title: 'Client Secret', anyOf: [{ type: 'string' }, { type: 'null' }] },
      },
    });
  });
});
