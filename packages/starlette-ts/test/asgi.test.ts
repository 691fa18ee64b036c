import { ASGIObject, PlainTextResponse, Route, Router, TestClient, isASGICallable, toASGIApp } from '../src';
import type { Receive, Scope, Send } from 'asgi-core';

class Hello extends ASGIObject {
  constructor(private readonly who: string) {
    super();
  }
  async call(scope: Scope, receive: Receive, send: Send): Promise<void> {
    await new PlainTextResponse(`hello ${this.who}`)(scope, receive, send);
  }
}

describe('ASGIObject', () => {
  test('instances are functions that run call(), and still instances of their class', async () => {
    const app = new Hello('world');
    expect(typeof app).toBe('function');
    expect(app).toBeInstanceOf(Hello);
    expect(app).toBeInstanceOf(ASGIObject);
    expect((await new TestClient(app).get('/')).text).toBe('hello world');
  });

  test('a name given to the base constructor becomes the function name', () => {
    function listUsers() {
      return new PlainTextResponse('');
    }
    expect(new Route('/', listUsers).name).toBe('listUsers');
    expect(new Route('/', listUsers, { name: 'users:list' }).name).toBe('users:list');
    expect(new Hello('x').name).toBe('');
  });
});

describe('toASGIApp', () => {
  test('returns functions as they are and wraps objects with a call method', async () => {
    const fn = async () => {};
    expect(toASGIApp(fn)).toBe(fn);
    const object = { call: async (scope: Scope, receive: Receive, send: Send) => new PlainTextResponse('object')(scope, receive, send) };
    expect(isASGICallable(object)).toBe(true);
    expect(isASGICallable(fn)).toBe(false);
    const router = new Router({ routes: [new Route('/', object)] });
    expect((await new TestClient(router).get('/')).text).toBe('object');
  });

  test('rejects anything else with a clear message', () => {
    expect(() => toASGIApp({} as never)).toThrow('Expected an ASGI app (a function (scope, receive, send) or an object with a call method), got object');
    expect(() => toASGIApp(null as never)).toThrow(TypeError);
  });
});
