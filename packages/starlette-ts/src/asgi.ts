/**
 * How starlette-ts objects are ASGI apps.
 *
 * Every Response, Route, Router, Mount, middleware and the Starlette app is an
 * instance of {@link ASGIObject}: a class instance that is ALSO a function
 * `(scope, receive, send) => Promise<void>`. Calling the instance runs its
 * `call` method, so `serve(app)`, `new Mount('/static', { app: new StaticFiles(...) })`
 * and `await response(scope, receive, send)` all work without adapters, and
 * `instanceof` still works. Subclasses implement (or override) `call`.
 */
import type { ASGIApp, Receive, Scope, Send } from 'asgi-core';

/** An object with an ASGI `call` method (a middleware class that does not extend ASGIObject, for instance). */
export interface ASGICallable {
  call(scope: Scope, receive: Receive, send: Send): Promise<void>;
}

/** The instance type of an {@link ASGIObject}: callable as an ASGI app. */
export interface ASGIObject {
  (scope: Scope, receive: Receive, send: Send): Promise<void>;
}

/**
 * Base class whose instances are callable ASGI apps: `instance(scope, receive, send)`
 * runs `instance.call(scope, receive, send)`.
 *
 * @example
 * class Hello extends ASGIObject {
 *   async call(scope: Scope, receive: Receive, send: Send) {
 *     await new PlainTextResponse('Hello')(scope, receive, send);
 *   }
 * }
 */
export abstract class ASGIObject {
  /**
   * @param name the function's `name` (routes pass their route name). It is fixed here
   *   because redefining a function's own `name` later would drop the instance into V8's
   *   slow dictionary mode, and routes sit on the per-request matching path.
   */
  constructor(name?: string) {
    // Function names are set at creation: an arrow inside the literal takes the key as its name.
    const self = (
      name
        ? { [name]: (scope: Scope, receive: Receive, send: Send) => self.call(scope, receive, send) }[name]
        : (scope: Scope, receive: Receive, send: Send) => self.call(scope, receive, send)
    ) as unknown as ASGIObject;
    Object.setPrototypeOf(self, new.target.prototype);
    return self;
  }

  /** Handles one ASGI connection (http, websocket or lifespan scope). */
  abstract call(scope: Scope, receive: Receive, send: Send): Promise<void>;
}

/** Anything starlette-ts accepts where an ASGI app is expected. */
export type ASGIAppLike = ASGIApp | ASGICallable;

/** True when `value` is an object (or class instance) exposing an ASGI `call` method. */
export function isASGICallable(value: unknown): value is ASGICallable {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { call?: unknown }).call === 'function' &&
    (typeof value !== 'function' || value instanceof ASGIObject)
  );
}

/** Normalises an {@link ASGIAppLike} into a plain ASGI function (identity for functions). */
export function toASGIApp(app: ASGIAppLike): ASGIApp {
  if (typeof app === 'function') return app as ASGIApp;
  if (isASGICallable(app)) return (scope, receive, send) => app.call(scope, receive, send);
  throw new TypeError(`Expected an ASGI app (a function (scope, receive, send) or an object with a call method), got ${typeof app}`);
}
