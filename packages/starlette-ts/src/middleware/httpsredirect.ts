/**
 * Redirects plain http/ws requests to https/wss, as Starlette's
 * HTTPSRedirectMiddleware: 307 (method and body kept), default ports dropped.
 */
import type { ASGIApp, Receive, Scope, Send } from 'asgi-core';
import { ASGIObject, toASGIApp, type ASGIAppLike } from '../asgi';
import { formatUrl, scopeUrl, splitNetloc } from '../internal/asgi-helpers';
import { RedirectResponse } from '../responses';

const SECURE_SCHEMES: Record<string, string> = { http: 'https', ws: 'wss' };

/**
 * Sends every `http`/`ws` request a 307 to the same URL on `https`/`wss`;
 * an explicit port 80 or 443 is dropped, any other port is kept.
 *
 * @example
 * new Middleware(HTTPSRedirectMiddleware)
 */
export class HTTPSRedirectMiddleware extends ASGIObject {
  private readonly app: ASGIApp;

  /** Wraps `app`. */
  constructor(app: ASGIAppLike) {
    super();
    this.app = toASGIApp(app);
  }

  /** The ASGI entry point. */
  async call(scope: Scope, receive: Receive, send: Send): Promise<void> {
    if ((scope.type === 'http' || scope.type === 'websocket') && SECURE_SCHEMES[scope.scheme] !== undefined) {
      const url = scopeUrl(scope);
      const { hostname, port } = splitNetloc(url.netloc);
      const netloc = port === 80 || port === 443 ? hostname : url.netloc;
      const location = formatUrl({ ...url, scheme: SECURE_SCHEMES[scope.scheme]!, netloc });
      return new RedirectResponse(location, { status: 307 })(scope, receive, send);
    }
    return this.app(scope, receive, send);
  }
}
