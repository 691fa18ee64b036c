/**
 * CORS (https://fetch.spec.whatwg.org/#http-cors-protocol) as pure ASGI
 * middleware, with Starlette's CORSMiddleware semantics: preflight requests
 * are answered here, simple requests get the allow headers added to the
 * response the app sends.
 */
import type { ASGIApp, Header, HTTPResponseStartEvent, HTTPScope, Receive, Scope, Send } from 'asgi-core';
import { ASGIObject, toASGIApp, type ASGIAppLike } from '../asgi';
import { addVary, getHeader, messageHeaders, setHeader } from '../internal/asgi-helpers';
import { PlainTextResponse } from '../responses';

const ALL_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];
// Always allowed request headers (CORS-safelisted), as Starlette lists them.
const SAFELISTED_HEADERS = ['Accept', 'Accept-Language', 'Content-Language', 'Content-Type'];

/** Options of {@link CORSMiddleware}; defaults as Starlette's. */
export interface CORSOptions {
  /** Origins allowed to make cross-origin requests; `['*']` allows any. Default `[]`. */
  allowOrigins?: readonly string[];
  /** Methods allowed in preflight requests; `['*']` allows all. Default `['GET']`. */
  allowMethods?: readonly string[];
  /** Request headers allowed in preflight requests (safelisted ones always are); `['*']` mirrors any. */
  allowHeaders?: readonly string[];
  /** Whether cookies/credentials are supported; `*` origins are then echoed explicitly. Default false. */
  allowCredentials?: boolean;
  /** A regular expression (source string or RegExp) an origin must match entirely to be allowed. */
  allowOriginRegex?: string | RegExp;
  /** Answer Private Network Access preflights (`access-control-request-private-network`). Default false. */
  allowPrivateNetwork?: boolean;
  /** Response headers exposed to the browser (`access-control-expose-headers`). */
  exposeHeaders?: readonly string[];
  /** How long browsers may cache a preflight, in seconds. Default 600. */
  maxAge?: number;
}

/**
 * Adds CORS headers to responses and answers preflight requests
 * (200 "OK", or 400 "Disallowed CORS origin, method, headers").
 *
 * @example
 * new Middleware(CORSMiddleware, { allowOrigins: ['https://example.org'], allowMethods: ['*'] })
 */
export class CORSMiddleware extends ASGIObject {
  private readonly app: ASGIApp;
  private readonly allowOrigins: readonly string[];
  private readonly allowMethods: readonly string[];
  private readonly allowHeaders: string[];
  private readonly allowAllOrigins: boolean;
  private readonly allowAllHeaders: boolean;
  private readonly allowCredentials: boolean;
  private readonly allowPrivateNetwork: boolean;
  private readonly preflightExplicitAllowOrigin: boolean;
  private readonly allowOriginRegex: RegExp | null;
  private readonly simpleHeaders: Header[];
  private readonly preflightHeaders: Header[];

  /** Wraps `app`; all header values are computed once, here. */
  constructor(app: ASGIAppLike, options: CORSOptions = {}) {
    super();
    this.app = toASGIApp(app);
    const allowOrigins = options.allowOrigins ?? [];
    let allowMethods = options.allowMethods ?? ['GET'];
    if (allowMethods.includes('*')) allowMethods = ALL_METHODS;
    const requestedAllowHeaders = options.allowHeaders ?? [];
    const allowCredentials = options.allowCredentials ?? false;
    const exposeHeaders = options.exposeHeaders ?? [];
    const maxAge = options.maxAge ?? 600;

    this.allowAllOrigins = allowOrigins.includes('*');
    this.allowAllHeaders = requestedAllowHeaders.includes('*');
    this.preflightExplicitAllowOrigin = !this.allowAllOrigins || allowCredentials;
    const regex = options.allowOriginRegex;
    // Anchored so that the whole origin must match (Python's re.fullmatch).
    this.allowOriginRegex =
      regex === undefined ? null : new RegExp(`^(?:${typeof regex === 'string' ? regex : regex.source})$`,
        typeof regex === 'string' ? '' : regex.flags.replace(/[gy]/g, ''));

    this.simpleHeaders = [];
    if (this.allowAllOrigins) this.simpleHeaders.push(['access-control-allow-origin', '*']);
    if (allowCredentials) this.simpleHeaders.push(['access-control-allow-credentials', 'true']);
    if (exposeHeaders.length > 0) this.simpleHeaders.push(['access-control-expose-headers', exposeHeaders.join(', ')]);

    this.preflightHeaders = [];
    if (this.preflightExplicitAllowOrigin) this.preflightHeaders.push(['vary', 'Origin']);
    else this.preflightHeaders.push(['access-control-allow-origin', '*']);
    this.preflightHeaders.push(['access-control-allow-methods', allowMethods.join(', ')]);
    this.preflightHeaders.push(['access-control-max-age', String(maxAge)]);
    const allowHeaders = [...new Set([...SAFELISTED_HEADERS, ...requestedAllowHeaders])].sort();
    if (!this.allowAllHeaders) this.preflightHeaders.push(['access-control-allow-headers', allowHeaders.join(', ')]);
    if (allowCredentials) this.preflightHeaders.push(['access-control-allow-credentials', 'true']);

    this.allowOrigins = allowOrigins;
    this.allowMethods = allowMethods;
    this.allowHeaders = allowHeaders.map((h) => h.toLowerCase());
    this.allowCredentials = allowCredentials;
    this.allowPrivateNetwork = options.allowPrivateNetwork ?? false;
  }

  /** The ASGI entry point. */
  call(scope: Scope, receive: Receive, send: Send): Promise<void> {
    if (scope.type !== 'http') return this.app(scope, receive, send);
    const origin = getHeader(scope.headers, 'origin');
    if (origin === undefined) return this.app(scope, receive, send);
    if (scope.method === 'OPTIONS' && getHeader(scope.headers, 'access-control-request-method') !== undefined) {
      return this.preflight(scope, receive, send, origin);
    }
    return this.app(scope, receive, this.simpleSend(send, origin));
  }

  private isAllowedOrigin(origin: string): boolean {
    if (this.allowAllOrigins) return true;
    if (this.allowOriginRegex?.test(origin)) return true;
    return this.allowOrigins.includes(origin);
  }

  private preflight(scope: HTTPScope, receive: Receive, send: Send, origin: string): Promise<void> {
    const requestedMethod = getHeader(scope.headers, 'access-control-request-method')!;
    const requestedHeaders = getHeader(scope.headers, 'access-control-request-headers');
    const requestedPrivateNetwork = getHeader(scope.headers, 'access-control-request-private-network');
    const headers: Header[] = this.preflightHeaders.map(([k, v]) => [k, v]);
    const failures: string[] = [];

    if (this.isAllowedOrigin(origin)) {
      if (this.preflightExplicitAllowOrigin) setHeader(headers, 'access-control-allow-origin', origin);
    } else {
      failures.push('origin');
    }
    if (!this.allowMethods.includes(requestedMethod)) failures.push('method');
    if (this.allowAllHeaders && requestedHeaders !== undefined) {
      // Allowing every header means mirroring what was asked for.
      setHeader(headers, 'access-control-allow-headers', requestedHeaders);
    } else if (requestedHeaders !== undefined) {
      for (const header of requestedHeaders.toLowerCase().split(',')) {
        if (!this.allowHeaders.includes(header.trim())) {
          failures.push('headers');
          break;
        }
      }
    }
    if (requestedPrivateNetwork !== undefined) {
      if (this.allowPrivateNetwork) setHeader(headers, 'access-control-allow-private-network', 'true');
      else failures.push('private-network');
    }
    // The browser enforces the policy; a 400 just makes the refusal visible.
    const response =
      failures.length > 0
        ? new PlainTextResponse(`Disallowed CORS ${failures.join(', ')}`, { status: 400, headers })
        : new PlainTextResponse('OK', { status: 200, headers });
    return response(scope, receive, send);
  }

  private simpleSend(send: Send, origin: string): Send {
    return async (message) => {
      if (message.type === 'http.response.start') {
        const headers = messageHeaders(message as HTTPResponseStartEvent);
        for (const [name, value] of this.simpleHeaders) setHeader(headers, name, value);
        // With credentials a `*` is not allowed by browsers: echo the origin instead.
        if ((this.allowAllOrigins && this.allowCredentials) || (!this.allowAllOrigins && this.isAllowedOrigin(origin))) {
          setHeader(headers, 'access-control-allow-origin', origin);
          addVary(headers, 'Origin');
        }
      }
      await send(message);
    };
  }
}
