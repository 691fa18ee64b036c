/**
 * HTTPBase, HTTPBasic, HTTPBearer and HTTPDigest, as FastAPI's
 * tests/test_security_http_*.py: missing, malformed, wrong and right
 * credentials, `autoError: false`, and the OpenAPI scheme.
 */
import 'reflect-metadata';
import { TestClient } from 'starlette-ts';
import {
  Controller,
  Depends,
  FastAPI,
  Get,
  HTTPAuthorizationCredentials,
  HTTPBase,
  HTTPBasic,
  HTTPBasicCredentials,
  HTTPBearer,
  HTTPDigest,
  getAuthorizationSchemeParam,
} from '../../src';
import { answer, appWith, basic } from './helpers';

const NOT_AUTHENTICATED = { detail: 'Not authenticated' };

async function openapiOf(app: FastAPI): Promise<{ schemes: unknown; security: unknown }> {
  const doc = (await new TestClient(app).get('/openapi.json')).json<{ components: { securitySchemes: unknown }; paths: Record<string, { get: { security: unknown } }> }>();
  return { schemes: doc.components.securitySchemes, security: doc.paths['/users/me'].get.security };
}

describe('getAuthorizationSchemeParam', () => {
  test('splits at the first space and trims the parameter', () => {
    expect(getAuthorizationSchemeParam('Bearer  abc def ')).toEqual(['Bearer', 'abc def']);
    expect(getAuthorizationSchemeParam('Bearer')).toEqual(['Bearer', '']);
    expect(getAuthorizationSchemeParam('')).toEqual(['', '']);
    expect(getAuthorizationSchemeParam(undefined)).toEqual(['', '']);
    expect(getAuthorizationSchemeParam(' token')).toEqual(['', 'token']);
  });
});

describe('HTTPBase', () => {
  const client = new TestClient(appWith(new HTTPBase({ scheme: 'Other' })));

  test('gives the scheme and the trimmed credentials', async () => {
    expect(answer(await client.get('/users/me', { headers: { Authorization: 'Other foobar' } }))).toEqual([200, { scheme: 'Other', credentials: 'foobar' }, null]);
    expect(answer(await client.get('/users/me', { headers: { Authorization: 'Other  foobar ' } }))).toEqual([200, { scheme: 'Other', credentials: 'foobar' }, null]);
  });

  test('does not check which scheme was sent', async () => {
    expect(answer(await client.get('/users/me', { headers: { Authorization: 'Bearer x' } }))).toEqual([200, { scheme: 'Bearer', credentials: 'x' }, null]);
  });

  test('missing header, missing credentials, empty scheme: 401 with the scheme as challenge', async () => {
    for (const headers of <Array<Record<string, string>>>[{}, { Authorization: 'Other' }, { Authorization: 'Other   ' }, { Authorization: ' foobar' }, { Authorization: '' }]) {
      expect(answer(await client.get('/users/me', { headers }))).toEqual([401, NOT_AUTHENTICATED, 'Other']);
    }
  });

  test('autoError false gives undefined', async () => {
    const optional = new TestClient(appWith(new HTTPBase({ scheme: 'Other', autoError: false })));
    expect(answer(await optional.get('/users/me'))).toEqual([200, { msg: 'Create an account first' }, null]);
    expect(answer(await optional.get('/users/me', { headers: { Authorization: 'Other foobar' } }))).toEqual([200, { scheme: 'Other', credentials: 'foobar' }, null]);
  });

  test('OpenAPI: type http with the scheme as given, and the description', async () => {
    expect(await openapiOf(appWith(new HTTPBase({ scheme: 'Other' })))).toEqual({ schemes: { HTTPBase: { type: 'http', scheme: 'Other' } }, security: [{ HTTPBase: [] }] });
    expect((await openapiOf(appWith(new HTTPBase({ scheme: 'Other', description: 'HTTP Auth' })))).schemes).toEqual({
      HTTPBase: { type: 'http', scheme: 'Other', description: 'HTTP Auth' },
    });
  });
});

describe('HTTPBasic', () => {
  const client = new TestClient(appWith(new HTTPBasic()));
  const realm = new TestClient(appWith(new HTTPBasic({ realm: 'simple' })));
  const optional = new TestClient(appWith(new HTTPBasic({ autoError: false })));

  test('decodes user and password; the password keeps its colons; the scheme is case-insensitive', async () => {
    expect(answer(await client.get('/users/me', { headers: { Authorization: basic('john:secret') } }))).toEqual([200, { username: 'john', password: 'secret' }, null]);
    expect(answer(await client.get('/users/me', { headers: { Authorization: basic('john:se:cr:et') } }))).toEqual([200, { username: 'john', password: 'se:cr:et' }, null]);
    expect(answer(await client.get('/users/me', { headers: { Authorization: `basic ${Buffer.from(':').toString('base64')}` } }))).toEqual([200, { username: '', password: '' }, null]);
  });

  test('base64 is decoded as Python does: junk characters skipped, padding required', async () => {
    // "am9objpzZWNyZXQ=" is john:secret; "!" and "*" are not base64 and are skipped.
    expect(answer(await client.get('/users/me', { headers: { Authorization: 'Basic am9o!bjpz*ZWNyZXQ=' } }))).toEqual([200, { username: 'john', password: 'secret' }, null]);
    expect(answer(await client.get('/users/me', { headers: { Authorization: 'Basic am9objpzZWNyZXQ' } }))).toEqual([401, NOT_AUTHENTICATED, 'Basic']);
    expect(answer(await client.get('/users/me', { headers: { Authorization: 'Basic am9objpzZWNyZXQ=trailing' } }))).toEqual([200, { username: 'john', password: 'secret' }, null]);
  });

  test('missing header or another scheme: 401 with the Basic challenge (with the realm when set)', async () => {
    for (const headers of <Array<Record<string, string>>>[{}, { Authorization: 'Other foobar' }, { Authorization: 'Bearer am9objpzZWNyZXQ=' }]) {
      expect(answer(await client.get('/users/me', { headers }))).toEqual([401, NOT_AUTHENTICATED, 'Basic']);
      expect(answer(await realm.get('/users/me', { headers }))).toEqual([401, NOT_AUTHENTICATED, 'Basic realm="simple"']);
    }
  });

  test('invalid base64, no colon, non-ASCII or an empty value: 401 even with autoError false', async () => {
    const bad = [
      'Basic notabase64token',
      basic('johnsecret'),
      basic(Buffer.from('jöhn:sécret', 'utf8')),
      'Basic',
      'Basic a',
    ];
    for (const Authorization of bad) {
      expect(answer(await client.get('/users/me', { headers: { Authorization } }))).toEqual([401, NOT_AUTHENTICATED, 'Basic']);
      expect(answer(await realm.get('/users/me', { headers: { Authorization } }))).toEqual([401, NOT_AUTHENTICATED, 'Basic realm="simple"']);
      expect(answer(await optional.get('/users/me', { headers: { Authorization } }))).toEqual([401, NOT_AUTHENTICATED, 'Basic']);
    }
  });

  test('hostile input: a 48 KiB credential decodes; latin-1 bytes in the header are refused as non-ASCII', async () => {
    const long = 'p'.repeat(48 * 1024);
    expect(answer(await client.get('/users/me', { headers: { Authorization: basic(`john:${long}`) } }))).toEqual([200, { username: 'john', password: long }, null]);
    // "Basic " + bytes 0xff 0xfe: not base64 characters, skipped, leaving nothing to split.
    expect(answer(await client.get('/users/me', { headers: [['authorization', 'Basic \xff\xfe']] }))).toEqual([401, NOT_AUTHENTICATED, 'Basic']);
  });

  test('autoError false: no header or another scheme gives undefined', async () => {
    expect(answer(await optional.get('/users/me'))).toEqual([200, { msg: 'Create an account first' }, null]);
    expect(answer(await optional.get('/users/me', { headers: { Authorization: 'Bearer x' } }))).toEqual([200, { msg: 'Create an account first' }, null]);
    expect(answer(await optional.get('/users/me', { headers: { Authorization: basic('john:secret') } }))).toEqual([200, { username: 'john', password: 'secret' }, null]);
  });

  test('OpenAPI: type http, scheme basic (the realm is not part of it)', async () => {
    expect(await openapiOf(appWith(new HTTPBasic({ realm: 'simple' })))).toEqual({ schemes: { HTTPBasic: { type: 'http', scheme: 'basic' } }, security: [{ HTTPBasic: [] }] });
    expect((await openapiOf(appWith(new HTTPBasic({ realm: 'simple', description: 'HTTPBasic scheme', schemeName: 'Login' })))).schemes).toEqual({
      Login: { type: 'http', scheme: 'basic', description: 'HTTPBasic scheme' },
    });
  });

  test('a controller method receives HTTPBasicCredentials through @Depends', async () => {
    const security = new HTTPBasic();
    @Controller('')
    class UsersController {
      @Get('/users/me')
      readCurrentUser(@Depends(security) credentials: HTTPBasicCredentials) {
        expect(credentials).toBeInstanceOf(HTTPBasicCredentials);
        return { username: credentials.username };
      }
    }
    const app = new FastAPI();
    app.include(UsersController);
    const c = new TestClient(app);
    expect(answer(await c.get('/users/me', { headers: { Authorization: basic('john:secret') } }))).toEqual([200, { username: 'john' }, null]);
    expect(answer(await c.get('/users/me'))).toEqual([401, NOT_AUTHENTICATED, 'Basic']);
  });
});

describe('HTTPBearer', () => {
  const client = new TestClient(appWith(new HTTPBearer()));
  const optional = new TestClient(appWith(new HTTPBearer({ autoError: false })));

  test('gives the token', async () => {
    const response = await client.get('/users/me', { headers: { Authorization: 'Bearer foobar' } });
    expect(answer(response)).toEqual([200, { scheme: 'Bearer', credentials: 'foobar' }, null]);
    expect(answer(await client.get('/users/me', { headers: { Authorization: 'bearer  foobar ' } }))).toEqual([200, { scheme: 'bearer', credentials: 'foobar' }, null]);
  });

  test('missing, empty, or another scheme: 401 Not authenticated with the Bearer challenge', async () => {
    for (const headers of <Array<Record<string, string>>>[{}, { Authorization: 'Bearer' }, { Authorization: 'Bearer   ' }, { Authorization: 'Basic notreally' }, { Authorization: 'Bearerfoobar' }]) {
      expect(answer(await client.get('/users/me', { headers }))).toEqual([401, NOT_AUTHENTICATED, 'Bearer']);
    }
  });

  test('autoError false: missing or another scheme gives undefined', async () => {
    for (const headers of <Array<Record<string, string>>>[{}, { Authorization: 'Basic notreally' }]) {
      expect(answer(await optional.get('/users/me', { headers }))).toEqual([200, { msg: 'Create an account first' }, null]);
    }
    expect(answer(await optional.get('/users/me', { headers: { Authorization: 'Bearer foobar' } }))).toEqual([200, { scheme: 'Bearer', credentials: 'foobar' }, null]);
  });

  test('the value is an HTTPAuthorizationCredentials', async () => {
    const app = appWith(new HTTPBearer(), (scheme) => Depends(scheme));
    app.get('/kind', { params: { credentials: Depends(new HTTPBearer()) } }, ({ credentials }) => ({ instance: credentials instanceof HTTPAuthorizationCredentials }));
    expect(answer(await new TestClient(app).get('/kind', { headers: { Authorization: 'Bearer x' } }))).toEqual([200, { instance: true }, null]);
  });

  test('OpenAPI: type http, scheme bearer, the bearerFormat and description', async () => {
    expect(await openapiOf(appWith(new HTTPBearer()))).toEqual({ schemes: { HTTPBearer: { type: 'http', scheme: 'bearer' } }, security: [{ HTTPBearer: [] }] });
    expect((await openapiOf(appWith(new HTTPBearer({ bearerFormat: 'JWT', description: 'HTTP Bearer token scheme' })))).schemes).toEqual({
      HTTPBearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'HTTP Bearer token scheme' },
    });
  });
});

describe('HTTPDigest', () => {
  const client = new TestClient(appWith(new HTTPDigest()));
  const optional = new TestClient(appWith(new HTTPDigest({ autoError: false })));

  test('gives the digest parameters', async () => {
    expect(answer(await client.get('/users/me', { headers: { Authorization: 'Digest foobar' } }))).toEqual([200, { scheme: 'Digest', credentials: 'foobar' }, null]);
  });

  test('missing, empty or another scheme: 401 with the Digest challenge', async () => {
    for (const headers of <Array<Record<string, string>>>[{}, { Authorization: 'Digest' }, { Authorization: 'Other invalidauthorization' }]) {
      expect(answer(await client.get('/users/me', { headers }))).toEqual([401, NOT_AUTHENTICATED, 'Digest']);
    }
  });

  test('autoError false gives undefined', async () => {
    for (const headers of <Array<Record<string, string>>>[{}, { Authorization: 'Other invalidauthorization' }]) {
      expect(answer(await optional.get('/users/me', { headers }))).toEqual([200, { msg: 'Create an account first' }, null]);
    }
  });

  test('OpenAPI: type http, scheme digest', async () => {
    expect(await openapiOf(appWith(new HTTPDigest({ description: 'HTTPDigest scheme' })))).toEqual({
      schemes: { HTTPDigest: { type: 'http', scheme: 'digest', description: 'HTTPDigest scheme' } },
      security: [{ HTTPDigest: [] }],
    });
  });
});
