import { ExceptionMiddleware, HTTPException, JSONResponse, Request, TestClient } from '../../src';
import type { Receive, Scope, Send } from 'asgi-core';

class NotFoundInDb extends Error {}

const raising = (error: unknown) => async (_s: Scope, _r: Receive, _send: Send) => {
  throw error;
};

describe('ExceptionMiddleware', () => {
  test('an app that throws before returning a promise is handled the same way', async () => {
    const syncRaising = () => {
      throw new HTTPException(418, 'Short and stout');
    };
    const r = await new TestClient(new ExceptionMiddleware(syncRaising as unknown as () => Promise<void>)).get('/');
    expect([r.status, r.text]).toEqual([418, 'Short and stout']);
  });

  test('HTTPException becomes a plain-text response with its headers', async () => {
    const app = new ExceptionMiddleware(raising(new HTTPException(401, 'Who are you?', { 'WWW-Authenticate': 'Bearer' })));
    const r = await new TestClient(app).get('/');
    expect([r.status, r.text, r.headers.get('www-authenticate')]).toEqual([401, 'Who are you?', 'Bearer']);
  });

  test('status handlers win over the class handler for HTTPException', async () => {
    const app = new ExceptionMiddleware(raising(new HTTPException(404)), {
      handlers: { 404: (_r: Request, e: HTTPException) => new JSONResponse({ detail: e.detail }, { status: 404 }) },
    });
    const r = await new TestClient(app).get('/');
    expect([r.status, r.json()]).toEqual([404, { detail: 'Not Found' }]);
  });

  test('class handlers match subclasses via the prototype chain; unknown errors propagate', async () => {
    const app = new ExceptionMiddleware(raising(new NotFoundInDb('row 7')), {
      handlers: [[Error, (_r: Request, e: Error) => new JSONResponse({ generic: e.message }, { status: 500 })]],
    });
    expect((await new TestClient(app).get('/')).json()).toEqual({ generic: 'row 7' });
    const specific = new ExceptionMiddleware(raising(new NotFoundInDb('row 8')), {
      handlers: new Map<Function, (r: Request, e: Error) => unknown>([
        [Error, () => new JSONResponse({ which: 'generic' })],
        [NotFoundInDb, () => new JSONResponse({ which: 'specific' })],
      ]) as never,
    });
    expect((await new TestClient(specific).get('/')).json()).toEqual({ which: 'specific' });
    await expect(new TestClient(new ExceptionMiddleware(raising(new RangeError('x')))).get('/')).rejects.toThrow(RangeError);
    await expect(new TestClient(new ExceptionMiddleware(raising('plain string'))).get('/')).rejects.toBe('plain string');
  });

  test('bad handler keys are refused', () => {
    expect(() => new ExceptionMiddleware(async () => {}, { handlers: { notastatus: () => null } as never })).toThrow(
      'Exception handler keys must be status codes or error classes, got "notastatus"',
    );
  });
});
