import { Middleware, PlainTextResponse, Route, Router, Starlette, TestClient } from '../../src';
import type { ASGIApp } from 'asgi-core';

describe('Middleware', () => {
  test('builds classes with new and factories by calling them, with the options', async () => {
    const built: string[] = [];
    class Tagging {
      constructor(private readonly app: ASGIApp, readonly options: { tag: string }) {
        built.push(`class ${options.tag}`);
      }
      call: ASGIApp = (scope, receive, send) => this.app(scope, receive, send);
    }
    const factory = (app: ASGIApp, options: { tag: string }): ASGIApp => {
      built.push(`factory ${options.tag}`);
      return app;
    };
    const app = new Starlette({
      routes: [new Route('/', () => new PlainTextResponse('ok'))],
      middleware: [new Middleware(Tagging, { tag: 'a' }), new Middleware(factory, { tag: 'b' })],
    });
    const client = new TestClient(app);
    expect((await client.get('/')).text).toBe('ok');
    await client.get('/');
    expect(built).toEqual(['factory b', 'class a']);
  });

  test('route- and router-level middleware wrap only their target', async () => {
    const marker = (app: ASGIApp, options: { value: string }): ASGIApp => async (scope, receive, send) =>
      app(scope, receive, async (m) => {
        if (m.type === 'http.response.start') m.headers = [...(m.headers ?? []), ['x-mw', options.value]];
        await send(m);
      });
    const router = new Router({
      routes: [
        new Route('/wrapped', () => new PlainTextResponse('w'), { middleware: [new Middleware(marker, { value: 'route' })] }),
        new Route('/plain', () => new PlainTextResponse('p')),
      ],
      middleware: [new Middleware(marker, { value: 'router' })],
    });
    const client = new TestClient(router);
    expect((await client.get('/wrapped')).headers.getlist('x-mw')).toEqual(['route', 'router']);
    expect((await client.get('/plain')).headers.getlist('x-mw')).toEqual(['router']);
  });

  test('rejects what is not a class or a function', () => {
    expect(() => new Middleware({} as never)).toThrow('Middleware expects a class or a factory function');
  });
});
