import { request } from 'undici';
import { Logger, quotePath, type LogLevel } from 'asgi-core';
import { sendText, startServer, waitFor } from './helpers';

describe('logging', () => {
  test("access lines follow uvicorn's format: client - \"METHOD path?query HTTP/x\" status phrase", async () => {
    const server = await startServer(async (scope, _receive, send) => {
      if (scope.type === 'http') await sendText(send, scope.path === '/api/missing' ? 404 : 200, 'x');
    }, { rootPath: '/api' });
    try {
      await (await request(`${server.url}/caf%C3%A9 x?q=1&r=%20`)).body.text();
      await (await request(`${server.url}/missing`, { method: 'POST', body: 'x' })).body.text();
      const access = server.logs.filter((line) => line.includes(' - "'));
      expect(access).toHaveLength(2);
      expect(access[0]).toMatch(/^INFO: {5}127\.0\.0\.1:\d+ - "GET \/api\/caf%C3%A9%20x\?q=1&r=%20 HTTP\/1\.1" 200 OK$/);
      expect(access[1]).toMatch(/^INFO: {5}127\.0\.0\.1:\d+ - "POST \/api\/missing HTTP\/1\.1" 404 Not Found$/);
    } finally {
      await server.close();
    }
  });

  test('accessLog: false turns access lines off but keeps the rest', async () => {
    const server = await startServer(async (scope, _receive, send) => {
      if (scope.type === 'http') await sendText(send, 200, 'x');
    }, { accessLog: false });
    await (await request(server.url)).body.text();
    await server.close();
    expect(server.logs.some((line) => line.includes(' - "GET'))).toBe(false);
    expect(server.logs).toContain('INFO:     Shutting down');
  });

  test('levels filter lines and prefixes are padded as uvicorn pads them', () => {
    const lines: string[] = [];
    const channels: string[] = [];
    const logger = new Logger({ level: 'warning', sink: (line, _level, channel) => (lines.push(line), channels.push(channel)) });
    const levels: LogLevel[] = ['trace', 'debug', 'info', 'warning', 'error', 'critical'];
    for (const level of levels) logger.log(level, `at ${level}`);
    logger.access('1.2.3.4:5', 'GET', '/', '1.1', 200);
    expect(lines).toEqual(['WARNING:  at warning', 'ERROR:    at error', 'CRITICAL: at critical']);
    expect(channels).toEqual(['error', 'error', 'error']);
    expect(logger.enabled('error')).toBe(true);
    expect(logger.enabled('info')).toBe(false);
  });

  test('errors are logged with their stack on the following lines; access lines go to the access channel', () => {
    const lines: Array<[string, string]> = [];
    const logger = new Logger({ level: 'trace', sink: (line, _level, channel) => lines.push([line, channel]) });
    logger.error('failed', new TypeError('bad input'));
    logger.access('', 'GET', '/x', '1.0', 599);
    expect(lines[0][0]).toMatch(/^ERROR: {4}failed\nTypeError: bad input\n {4}at /);
    expect(lines[1]).toEqual(['INFO:      - "GET /x HTTP/1.0" 599', 'access']);
  });

  test('the cause chain follows the stack, outermost first, and a cycle in it ends the chain', () => {
    const lines: string[] = [];
    const logger = new Logger({ sink: (line) => lines.push(line) });
    const root = new RangeError('disk full');
    const outer = new Error('could not save', { cause: new TypeError('bad record', { cause: root }) });
    logger.error('failed', outer);
    const cyclic = new Error('a');
    cyclic.cause = new Error('b', { cause: cyclic });
    logger.error('cycle', cyclic);
    logger.error('not an Error', new Error('x', { cause: 'because' }));
    expect(lines[0]).toMatch(/^ERROR: {4}failed\nError: could not save\n {4}at [\s\S]*\nCaused by: TypeError: bad record\n {4}at [\s\S]*\nCaused by: RangeError: disk full\n {4}at /);
    expect(lines[0]!.match(/Caused by: /g)).toHaveLength(2);
    expect(lines[1]!.match(/Caused by: /g)).toHaveLength(1);
    expect(lines[1]).toMatch(/\nCaused by: Error: b\n/);
    expect(lines[2]).toMatch(/\nCaused by: Thrown value \(not an Error, so no stack\): 'because'$/);
  });

  test('a thrown value that is not an Error is printed, undefined and null included; no value given prints nothing', () => {
    const lines: string[] = [];
    const logger = new Logger({ sink: (line) => lines.push(line) });
    logger.error('a', undefined);
    logger.error('b', null);
    logger.critical('c', { reason: 'teapot' });
    logger.warning('d', 'plain text');
    logger.error('e');
    expect(lines).toEqual([
      'ERROR:    a\nThrown value (not an Error, so no stack): undefined',
      'ERROR:    b\nThrown value (not an Error, so no stack): null',
      "CRITICAL: c\nThrown value (not an Error, so no stack): { reason: 'teapot' }",
      "WARNING:  d\nThrown value (not an Error, so no stack): 'plain text'",
      'ERROR:    e',
    ]);
  });

  test('an app that throws undefined: the server logs the value, once, and answers 500', async () => {
    const server = await startServer(async () => {
      throw undefined;
    }, { accessLog: false });
    try {
      const r = await request(server.url);
      expect([r.statusCode, await r.body.text()]).toEqual([500, 'Internal Server Error']);
      await waitFor(() => server.logs.some((line) => line.startsWith('ERROR:')));
      expect(server.logs.filter((line) => line.startsWith('ERROR:'))).toEqual([
        'ERROR:    Exception in ASGI application\nThrown value (not an Error, so no stack): undefined',
      ]);
    } finally {
      await server.close();
    }
  });

  test('quotePath escapes like urllib.parse.quote, keeping slashes', () => {
    expect(quotePath("/a b/é/!'()*~-_.")).toBe('/a%20b/%C3%A9/%21%27%28%29%2A~-_.');
  });
});
