/**
 * `Security(dep, { scopes })` and `SecurityScopes`, as FastAPI's
 * tests/test_security_scopes*.py and test_dependency_security_overrides.py:
 * scopes accumulate down the chain (parents first), do not leak between
 * siblings, split the per-request cache only for dependencies that use
 * them, survive dependency overrides, and reach OpenAPI.
 */
import 'reflect-metadata';
import { TestClient } from 'starlette-ts';
import { Controller, Depends, FastAPI, Get, OAuth2PasswordBearer, Security, SecurityScopes, dependency, getDependant } from '../../src';

test('SecurityScopes holds the scopes and their space-joined string', () => {
  const scopes = new SecurityScopes(['me', 'items']);
  expect([scopes.scopes, scopes.scopeStr]).toEqual([['me', 'items'], 'me items']);
  expect([new SecurityScopes().scopes, new SecurityScopes().scopeStr]).toEqual([[], '']);
});

test('scopes do not propagate between sibling dependencies', async () => {
  const security1 = dependency({ scopes: SecurityScopes }, ({ scopes }) => scopes.scopes);
  const security2 = dependency({ scopes: SecurityScopes }, ({ scopes }) => scopes.scopes);
  const dep3 = dependency(
    { dep1: Security(security1, { scopes: ['scope1'] }), dep2: Security(security2, { scopes: ['scope2'] }) },
    ({ dep1, dep2 }) => ({ dep1, dep2 }),
  );
  const app = new FastAPI();
  app.get('/scopes', { params: { dep3: Security(dep3, { scopes: ['scope3'] }) } }, ({ dep3: value }) => value);
  const response = await new TestClient(app).get('/scopes');
  expect([response.statusCode, response.json()]).toEqual([200, { dep1: ['scope3', 'scope1'], dep2: ['scope3', 'scope2'] }]);
});

test('a scope asked twice down the chain appears once, in first-seen order', async () => {
  const inner = dependency({ scopes: SecurityScopes }, ({ scopes }) => scopes.scopeStr);
  const outer = dependency({ value: Security(inner, { scopes: ['b', 'a'] }) }, ({ value }) => value);
  const app = new FastAPI();
  app.get('/', { params: { value: Security(outer, { scopes: ['a', 'c'] }) } }, ({ value }) => ({ value }));
  expect((await new TestClient(app).get('/')).json()).toEqual({ value: 'a c b' });
});

test('a dependency that does not use scopes is called once per request', async () => {
  let count = 0;
  const getDb = dependency({}, () => `db_${++count}`);
  const getUser = dependency({ db: Depends(getDb) }, () => 'user');
  const app = new FastAPI();
  app.get('/', { params: { db: Depends(getDb), user: Security(getUser, { scopes: ['read'] }) } }, ({ db }) => ({ db }));
  const response = await new TestClient(app).get('/');
  expect([response.statusCode, response.json(), count]).toEqual([200, { db: 'db_1' }, 1]);
});

test('dependencies that use scopes are cached per scope set', async () => {
  const counts = { getDbSession: 0, getCurrentUser: 0, getUserMe: 0, getUserItems: 0 };
  const getDbSession = dependency({}, () => `db_session_${++counts.getDbSession}`);
  const getCurrentUser = dependency({ securityScopes: SecurityScopes, dbSession: Depends(getDbSession) }, ({ securityScopes, dbSession }) => ({
    user: `user_${++counts.getCurrentUser}`,
    scopes: securityScopes.scopes,
    db_session: dbSession,
  }));
  const getUserMe = dependency({ currentUser: Security(getCurrentUser, { scopes: ['me'] }) }, ({ currentUser }) => ({
    user_me: `user_me_${++counts.getUserMe}`,
    current_user: currentUser,
  }));
  const getUserItems = dependency({ userMe: Depends(getUserMe) }, ({ userMe }) => ({ user_items: `user_items_${++counts.getUserItems}`, user_me: userMe }));
  const app = new FastAPI();
  app.get('/', { params: { userMe: Depends(getUserMe), userItems: Security(getUserItems, { scopes: ['items'] }) } }, ({ userMe, userItems }) => ({
    user_me: userMe,
    user_items: userItems,
  }));
  const response = await new TestClient(app).get('/');
  expect(response.statusCode).toBe(200);
  expect(counts).toEqual({ getDbSession: 1, getCurrentUser: 2, getUserMe: 2, getUserItems: 1 });
  expect(response.json()).toEqual({
    user_me: { user_me: 'user_me_1', current_user: { user: 'user_1', scopes: ['me'], db_session: 'db_session_1' } },
    user_items: {
      user_items: 'user_items_1',
      user_me: { user_me: 'user_me_2', current_user: { user: 'user_2', scopes: ['items', 'me'], db_session: 'db_session_1' } },
    },
  });
});

test('the same dependency with the same scopes is still cached', async () => {
  let count = 0;
  const getUser = dependency({ scopes: SecurityScopes }, ({ scopes }) => ({ n: ++count, scopes: scopes.scopes }));
  const app = new FastAPI();
  app.get('/', { params: { a: Security(getUser, { scopes: ['x', 'y'] }), b: Security(getUser, { scopes: ['y', 'x'] }) } }, ({ a, b }) => ({ a, b }));
  expect((await new TestClient(app).get('/')).json()).toEqual({ a: { n: 1, scopes: ['x', 'y'] }, b: { n: 1, scopes: ['x', 'y'] } });
});

describe('dependency overrides keep the scopes', () => {
  const getUser = dependency({ requiredScopes: SecurityScopes }, ({ requiredScopes }) => ['john', requiredScopes.scopes] as const);
  const getUserOverride = dependency({ requiredScopes: SecurityScopes }, ({ requiredScopes }) => ['alice', requiredScopes.scopes] as const);
  const getData = dependency({}, () => [1, 2, 3]);
  const getDataOverride = dependency({}, () => [3, 4, 5]);
  const app = new FastAPI();
  app.get('/user', { params: { userData: Security(getUser, { scopes: ['foo', 'bar'] }), data: Depends(getData) } }, ({ userData, data }) => ({
    user: userData[0],
    scopes: userData[1],
    data,
  }));
  const client = new TestClient(app);
  afterEach(() => app.dependencyOverrides.clear());

  test('no override', async () => {
    expect((await client.get('/user')).json()).toEqual({ user: 'john', scopes: ['foo', 'bar'], data: [1, 2, 3] });
  });

  test('an overridden plain dependency', async () => {
    app.dependencyOverrides.set(getData, getDataOverride);
    expect((await client.get('/user')).json()).toEqual({ user: 'john', scopes: ['foo', 'bar'], data: [3, 4, 5] });
  });

  test('an overridden security dependency receives the scopes of the one it replaces', async () => {
    app.dependencyOverrides.set(getUser, getUserOverride);
    expect((await client.get('/user')).json()).toEqual({ user: 'alice', scopes: ['foo', 'bar'], data: [1, 2, 3] });
  });
});

describe('decorators', () => {
  const oauth2Scheme = new OAuth2PasswordBearer({ tokenUrl: 'token', scopes: { me: 'Me', items: 'Items' } });

  class CurrentUser {
    readonly scopes: string[];
    constructor(scopes: SecurityScopes, @Depends(oauth2Scheme) readonly token: string) {
      this.scopes = scopes.scopes;
    }
  }

  @Controller('/users')
  class UsersController {
    @Get('/me/items')
    readItems(@Security(CurrentUser, { scopes: ['items'] }) user: CurrentUser, securityScopes: SecurityScopes) {
      return { token: user.token, scopes: user.scopes, here: securityScopes.scopes };
    }
  }

  const app = new FastAPI();
  app.include(UsersController);
  const client = new TestClient(app);

  test('@Security on a parameter and SecurityScopes by reflected type (in a method and a constructor)', async () => {
    const response = await client.get('/users/me/items', { headers: { Authorization: 'Bearer abc' } });
    expect([response.statusCode, response.json()]).toEqual([200, { token: 'abc', scopes: ['items'], here: [] }]);
    const missing = await client.get('/users/me/items');
    expect([missing.statusCode, missing.json(), missing.headers.get('www-authenticate')]).toEqual([401, { detail: 'Not authenticated' }, 'Bearer']);
  });

  test('OpenAPI: the scheme and the scopes from @Security', async () => {
    const doc = (await client.get('/openapi.json')).json<{ paths: Record<string, { get: { security: unknown } }> }>();
    expect(doc.paths['/users/me/items'].get.security).toEqual([{ OAuth2PasswordBearer: ['items'] }]);
  });
});

test('route-level dependencies: Security in `dependencies` reaches OpenAPI and SecurityScopes', async () => {
  const scheme = new OAuth2PasswordBearer({ tokenUrl: 'token' });
  let seen: string[] = [];
  const check = dependency({ scopes: SecurityScopes, token: Depends(scheme) }, ({ scopes }) => {
    seen = scopes.scopes;
  });
  const app = new FastAPI();
  app.get('/admin', { dependencies: [Security(check, { scopes: ['admin'] })] }, function admin() {
    return { ok: true };
  });
  const client = new TestClient(app);
  const response = await client.get('/admin', { headers: { Authorization: 'Bearer t' } });
  expect([response.statusCode, response.json(), seen]).toEqual([200, { ok: true }, ['admin']]);
  expect((await client.get('/admin')).statusCode).toBe(401);
  const doc = (await client.get('/openapi.json')).json<{ paths: Record<string, { get: { security: unknown } }> }>();
  expect(doc.paths['/admin'].get.security).toEqual([{ OAuth2PasswordBearer: ['admin'] }]);
});

test('the dependant of a security scheme carries its requirement with the accumulated scopes', () => {
  const scheme = new OAuth2PasswordBearer({ tokenUrl: 'token', schemeName: 'Login' });
  const user = dependency({ token: Security(scheme, { scopes: ['b'] }) }, ({ token }) => token);
  const node = getDependant('/', user, { useCache: true, scopes: ['a'] });
  expect(node.securityRequirements).toEqual([]);
  expect(node.oauthScopes).toEqual(['a']);
  expect(node.dependencies[0].securityRequirements).toEqual([
    { schemeName: 'Login', scheme: { type: 'oauth2', flows: { password: { tokenUrl: 'token', scopes: {} } } }, scopes: ['a', 'b'] },
  ]);
});

test('OpenAPI keeps the scopes of a scheme reached twice, once without and once with scopes', async () => {
  const scheme = new OAuth2PasswordBearer({ tokenUrl: 'token', scopes: { me: 'Read yourself' } });
  const getUser = dependency({ token: Depends(scheme) }, ({ token }) => token);
  const getActiveUser = dependency({ user: Depends(getUser) }, ({ user }) => user);
  const app = new FastAPI();
  app.get(
    '/me',
    { params: { user: Depends(getUser), active: Security(getActiveUser, { scopes: ['me'] }) } },
    ({ user }) => ({ user }),
  );
  const doc = (await new TestClient(app).get('/openapi.json')).json<{ paths: Record<string, { get: { security: unknown } }> }>();
  expect(doc.paths['/me'].get.security).toEqual([{ OAuth2PasswordBearer: ['me'] }]);
});
