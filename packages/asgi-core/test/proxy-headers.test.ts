import { request } from 'undici';
import { ProxyHeadersMiddleware, TrustedHosts, type HTTPScope, type Scope, type WebSocketScope } from 'asgi-core';
import { sendText, startServer } from './helpers';

function httpScope(client: [string, number] | null, headers: [string, string][]): HTTPScope {
  return {
    type: 'http', asgi: { version: '3.0', spec_version: '2.4' }, http_version: '1.1', method: 'GET', scheme: 'http',
    path: '/', raw_path: '/', query_string: '', root_path: '', headers, client, server: ['127.0.0.1', 8000],
  };
}

async function through(trustedHosts: string | string[], scope: Scope): Promise<Scope> {
  let seen: Scope | null = null;
  await ProxyHeadersMiddleware(async (inner) => {
    seen = inner;
  }, { trustedHosts })(scope, async () => ({ type: 'http.disconnect' }), async () => {});
  return seen!;
}

describe('ProxyHeadersMiddleware', () => {
  test('a trusted peer sets client and scheme from X-Forwarded-For / X-Forwarded-Proto', async () => {
    const scope = await through('127.0.0.1', httpScope(['127.0.0.1', 5000], [['x-forwarded-for', '203.0.113.7'], ['x-forwarded-proto', 'https']]));
    expect(scope).toMatchObject({ client: ['203.0.113.7', 0], scheme: 'https' });
  });

  test('an untrusted peer leaves the scope alone', async () => {
    const scope = await through('127.0.0.1', httpScope(['10.0.0.9', 5000], [['x-forwarded-for', '203.0.113.7'], ['x-forwarded-proto', 'https']]));
    expect(scope).toMatchObject({ client: ['10.0.0.9', 5000], scheme: 'http' });
  });

  test('the client is the last untrusted hop of the chain; trusted networks match by CIDR', async () => {
    const scope = await through('127.0.0.1, 10.0.0.0/8', httpScope(['127.0.0.1', 5000], [['x-forwarded-for', '198.51.100.1, 203.0.113.7, 10.1.2.3']]));
    expect(scope.client).toEqual(['203.0.113.7', 0]);
  });

  test('with every hop trusted the first entry is the client, and host:port entries keep their port', async () => {
    const scope = await through(['127.0.0.1', '10.0.0.0/8'], httpScope(['127.0.0.1', 5000], [['x-forwarded-for', '10.9.9.9:4321, 10.1.1.1']]));
    expect(scope.client).toEqual(['10.9.9.9', 4321]);
    const ipv6 = await through('*', httpScope(['10.0.0.1', 5000], [['x-forwarded-for', '[2001:db8::1]:8080']]));
    expect(ipv6.client).toEqual(['2001:db8::1', 8080]);
  });

  test('repeated X-Forwarded-For headers are joined; an empty value keeps the peer', async () => {
    const joined = await through('127.0.0.1', httpScope(['127.0.0.1', 5000], [['x-forwarded-for', '203.0.113.1'], ['x-forwarded-for', '203.0.113.2']]));
    expect(joined.client).toEqual(['203.0.113.2', 0]);
    const empty = await through('127.0.0.1', httpScope(['127.0.0.1', 5000], [['x-forwarded-for', '']]));
    expect(empty.client).toEqual(['127.0.0.1', 5000]);
  });

  test('an unknown forwarded scheme is ignored; websocket scopes get ws/wss', async () => {
    const bogus = await through('*', httpScope(['127.0.0.1', 1], [['x-forwarded-proto', 'gopher']]));
    expect(bogus).toMatchObject({ scheme: 'http' });
    const ws = { ...httpScope(['127.0.0.1', 1], [['x-forwarded-proto', 'https']]), type: 'websocket', scheme: 'ws', subprotocols: [] } as unknown as WebSocketScope;
    expect(await through('*', ws)).toMatchObject({ scheme: 'wss' });
  });

  test('TrustedHosts understands IPv4, IPv6, networks, literals and *', () => {
    const hosts = new TrustedHosts('192.168.0.0/16, ::1, unix:/tmp/sock, not/a-network');
    expect(hosts.has('192.168.4.5')).toBe(true);
    expect(hosts.has('192.169.0.1')).toBe(false);
    expect(hosts.has('::1')).toBe(true);
    expect(hosts.has('unix:/tmp/sock')).toBe(true);
    expect(hosts.has('not/a-network')).toBe(true);
    expect(hosts.has(null)).toBe(false);
    expect(new TrustedHosts('*').has('8.8.8.8')).toBe(true);
  });

  test('the server applies it with proxyHeaders, and the access log shows the forwarded client', async () => {
    const server = await startServer(async (scope, _receive, send) => {
      if (scope.type === 'http') await sendText(send, 200, `${scope.scheme} ${scope.client?.[0]}`);
    }, { proxyHeaders: true, forwardedAllowIps: '127.0.0.1' });
    try {
      const res = await request(`${server.url}/p`, { headers: { 'x-forwarded-for': '203.0.113.50', 'x-forwarded-proto': 'https' } });
      expect(await res.body.text()).toBe('https 203.0.113.50');
      expect(server.logs).toContain('INFO:     203.0.113.50:0 - "GET /p HTTP/1.1" 200 OK');
    } finally {
      await server.close();
    }
  });
});
