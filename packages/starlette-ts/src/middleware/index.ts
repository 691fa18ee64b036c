/**
 * Middleware declarations, as Starlette's `starlette.middleware.Middleware`: a class
 * (or factory) and its options, instantiated once when the app builds its stack.
 */
import type { ASGIApp } from 'asgi-core';
import { type ASGIAppLike, toASGIApp } from '../asgi';

/** A middleware class: `new Class(app, options)` is an ASGI app (or has a `call` method). */
export type MiddlewareClass<O = any> = new (app: ASGIApp, options: O) => ASGIAppLike;
/** A middleware factory: `factory(app, options)` returns an ASGI app. */
export type MiddlewareFactory<O = any> = (app: ASGIApp, options: O) => ASGIAppLike;

function isClass(fn: unknown): fn is new (...args: any[]) => unknown {
  return typeof fn === 'function' && Function.prototype.toString.call(fn).startsWith('class');
}

/**
 * A middleware with its options, built into the stack on the app's first call.
 *
 * @example
 * new Starlette({ middleware: [new Middleware(CORSMiddleware, { allowOrigins: ['*'] })] });
 */
export class Middleware<O = any> {
  /** The middleware class or factory. */
  readonly cls: MiddlewareClass<O> | MiddlewareFactory<O>;
  /** The options passed as the second constructor argument. */
  readonly options: O;

  constructor(cls: MiddlewareClass<O> | MiddlewareFactory<O>, options?: O) {
    if (typeof cls !== 'function') throw new TypeError('Middleware expects a class or a factory function');
    this.cls = cls;
    this.options = (options ?? {}) as O;
  }

  /** Wraps `app`: returns the middleware instance as an ASGI function. */
  build(app: ASGIApp): ASGIApp {
    const instance = isClass(this.cls)
      ? new (this.cls as MiddlewareClass<O>)(app, this.options)
      : (this.cls as MiddlewareFactory<O>)(app, this.options);
    return toASGIApp(instance);
  }
}

/** Wraps `app` in `middleware`, the first one outermost (Starlette builds the stack in reverse). */
export function buildStack(app: ASGIApp, middleware: readonly Middleware[] | undefined): ASGIApp {
  let wrapped = app;
  if (middleware) for (let i = middleware.length - 1; i >= 0; i--) wrapped = middleware[i].build(wrapped);
  return wrapped;
}
