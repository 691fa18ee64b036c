import { HTTPException, StarletteError, WebSocketException, status } from '../src';

describe('HTTPException', () => {
  test('takes its default detail from the status phrase', () => {
    const e = new HTTPException(404);
    expect([e.statusCode, e.detail, e.headers, e.message, String(e)]).toEqual([404, 'Not Found', undefined, '404: Not Found', '404: Not Found']);
    expect(new HTTPException(422).detail).toBe('Unprocessable Entity');
    expect(new HTTPException(599).detail).toBe('');
  });

  test('keeps a custom detail and headers; is an Error with a stable code', () => {
    const e = new HTTPException(401, 'Bad token', { 'WWW-Authenticate': 'Bearer' });
    expect([e.detail, e.headers]).toEqual(['Bad token', { 'WWW-Authenticate': 'Bearer' }]);
    expect(e).toBeInstanceOf(StarletteError);
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe('HTTP_EXCEPTION');
    expect(e.name).toBe('HTTPException');
  });
});

describe('WebSocketException', () => {
  test('carries the close code and reason', () => {
    const e = new WebSocketException(status.WS_1008_POLICY_VIOLATION, 'nope');
    expect([e.code, e.reason, e.message]).toEqual([1008, 'nope', '1008: nope']);
    expect(new WebSocketException(1000).reason).toBe('');
  });
});

describe('status', () => {
  test('names codes as Starlette does, including the older aliases', () => {
    expect(status.HTTP_200_OK).toBe(200);
    expect(status.HTTP_418_IM_A_TEAPOT).toBe(418);
    expect(status.HTTP_422_UNPROCESSABLE_ENTITY).toBe(422);
    expect(status.HTTP_422_UNPROCESSABLE_CONTENT).toBe(422);
    expect(status.WS_1011_INTERNAL_ERROR).toBe(1011);
  });
});
