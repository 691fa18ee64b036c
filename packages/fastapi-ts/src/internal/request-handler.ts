/**
 * The per-route ASGI handler (FastAPI's `request_response` +
 * `get_request_handler`): read and parse the body, solve the dependency plan,
 * call the handler, serialise its value, then send the response, with the
 * exits of generator dependencies run at the right moments:
 * - `scope: 'function'` exits before the response is built and sent;
 * - `scope: 'request'` exits after the response (and its background tasks) was sent,
 *   or, when the request failed, before the error becomes a response, so that
 *   a cleanup can turn it into another HTTPException.
 * Errors leave this handler and become responses in Starlette's
 * ExceptionMiddleware (with FastAPI's handlers installed by the app).
 */
import { ACCEPTS_TEXT, type Header, type HTTPScope, type MarkableSend, type Receive, type ReceiveMessage, type Scope, type Send, type WebSocketScope } from 'asgi-core';
import {
  type BackgroundTask, type HTTPConnection, HTTPException as StarletteHTTPException, JSONResponse, Request, Response, WebSocket, renderJSON, withBody,
} from 'starlette-ts';
import type { BackgroundTasks } from '../background';
import type { CompiledParam, DependantNode } from '../dependencies/utils';
import { isPlainJson, jsonableEncoder } from '../encoders';
import type { AnyModelClass } from '../models';
import { DependencySwallowedError, RequestValidationError, ResponseValidationError, WebSocketRequestValidationError } from '../errors';
import { isBodyAllowedForStatusCode } from '../exception-handlers';
import { HTTPException } from '../exceptions';
import { NO_ERROR, unwind, type ExitEntry } from './exit-stack';
import type { DumpOptions, Serializer } from './serialize';
import { FAILED, solve, type SolveContext } from './solve';
import { jsonInvalidError, type ErrorDict } from './validation-errors';

/** The default `maxBodySize`: 1 MiB. */
export const DEFAULT_MAX_BODY_SIZE = 1024 * 1024;

/** Everything a route's handler needs, compiled at start-up. */
export interface HandlerPlan {
  dependant: DependantNode;
  bodyParams: CompiledParam[];
  embedBody: boolean;
  serializer?: Serializer;
  /** No cached dependency appears twice in the tree: without overrides, a request needs no dependency cache. */
  noRepeatedDependency: boolean;
  /** The response model when it is a Model class: its instances are written out without validating them again. */
  responseModelClass?: AnyModelClass;
  dumpOptions: DumpOptions;
  statusCode?: number;
  responseClass: typeof Response;
  /** Compiles (once per replacement) the node of a dependency override. */
  overrideNode: (node: DependantNode, replacement: unknown) => DependantNode;
}

interface AppLike {
  dependencyOverrides?: Map<unknown, unknown>;
  maxBodySize?: number;
}

const EMPTY = new Uint8Array(0);
const decoder = new TextDecoder();

/** True for `application/json` and `application/*+json` (FastAPI's check, parameters ignored). */
function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined || value === 'application/json') return true;
  const type = value.split(';', 1)[0].trim().toLowerCase();
  const slash = type.indexOf('/');
  if (slash === -1 || type.slice(0, slash) !== 'application') return false;
  const sub = type.slice(slash + 1);
  return sub === 'json' || sub.endsWith('+json');
}

function headerValue(scope: HTTPScope, name: string): string | undefined {
  for (const [key, value] of scope.headers) if (key === name) return value;
  return undefined;
}

/**
 * True when the request framing already bounds the body within `limit` (RFC 9112 section 6.3):
 * a valid `content-length` of at most `limit`, or neither `content-length` nor
 * `transfer-encoding` (no body). Only then may the counting wrapper be skipped: it costs an
 * async frame per receive() and splits the connection's receive channel in two.
 */
export function framedWithin(scope: HTTPScope, limit: number): boolean {
  let length: string | undefined;
  const headers = scope.headers;
  for (let i = 0; i < headers.length; i++) {
    const key = headers[i][0];
    if (key === 'content-length') {
      if (length !== undefined) return false; // duplicated: let the counting wrapper decide
      length = headers[i][1];
    } else if (key === 'transfer-encoding') return false;
  }
  return length === undefined || (/^\d{1,15}$/.test(length) && Number(length) <= limit);
}

/** Counts body bytes as they arrive and refuses more than `limit` (413). */
function limitReceive(receive: Receive, limit: number): Receive {
  let total = 0;
  return async (): Promise<ReceiveMessage> => {
    const message = await receive();
    if (message.type === 'http.request') {
      total += message.body.byteLength;
      if (total > limit) throw new HTTPException(413, 'Request body too large');
    }
    return message;
  };
}

/** Refuses a body whose declared length is over the limit (413) before reading it. */
function checkDeclaredLength(scope: HTTPScope, limit: number): void {
  const length = headerValue(scope, 'content-length');
  if (length !== undefined && Number(length) > limit) throw new HTTPException(413, 'Request body too large');
}

/** What a failure to read the body becomes: FastAPI's 400 (Starlette's own HTTPExceptions, such as our 413, pass through). */
function bodyReadError(error: unknown): unknown {
  return error instanceof StarletteHTTPException ? error : new HTTPException(400, 'There was an error parsing the body');
}

function failedToRead(error: unknown): never {
  throw bodyReadError(error);
}

/** The body's value: undefined when empty, parsed JSON for a JSON content type (or none), the text otherwise. */
function parseBody(bytes: Uint8Array, scope: HTTPScope, limit: number): unknown {
  if (bytes.byteLength > limit) throw new HTTPException(413, 'Request body too large');
  if (bytes.byteLength === 0) return undefined;
  const text = decoder.decode(bytes);
  // FastAPI parses JSON only for a JSON content type (or none); anything else is validated as the raw text.
  if (!isJsonContentType(headerValue(scope, 'content-type'))) return text;
  try {
    return JSON.parse(text);
  } catch {
    throw new RequestValidationError([jsonInvalidError(text)], text);
  }
}

/** Parses the form; its files are closed after the response (FastAPI's file stack). */
async function readForm(request: Request, scope: HTTPScope, limit: number, ctx: SolveContext): Promise<void> {
  checkDeclaredLength(scope, limit);
  const type = (headerValue(scope, 'content-type') ?? '').split(';', 1)[0].trim().toLowerCase();
  if (type !== 'multipart/form-data' && type !== 'application/x-www-form-urlencoded') {
    ctx.form = { getAll: () => [] };
    return;
  }
  let form: Awaited<ReturnType<Request['form']>>;
  try {
    form = await request.form();
  } catch (error) {
    // Starlette's own HTTPException (400 with the parser's message, e.g. "Missing boundary in multipart.") passes through, as in FastAPI.
    throw bodyReadError(error);
  }
  ctx.form = form;
  const closer = (async function* () {
    try {
      yield;
    } finally {
      await form.close();
    }
  })();
  await closer.next();
  ctx.requestStack.push({ iterator: closer, async: true, name: 'form' });
}

/**
 * The solve context of one request. Its Request is built when something first asks for it (a
 * parameter taking the Request, a cookie, the body): most routes never do, and it was one of the
 * larger allocations of a small request. A WebSocket route passes its WebSocket in.
 */
class RequestContext implements SolveContext {
  body: unknown = undefined;
  readonly embedBody: boolean;
  readonly errors: ErrorDict[] = [];
  cache: Map<unknown, unknown> | undefined = undefined;
  readonly noCache: boolean;
  readonly requestStack: ExitEntry[] = [];
  readonly functionStack: ExitEntry[] = [];
  response: Response | undefined = undefined;
  background: BackgroundTasks | undefined = undefined;
  readonly overrides: Map<unknown, unknown> | undefined;
  readonly overrideNode: HandlerPlan['overrideNode'];
  query: Map<string, string[]> | undefined = undefined;
  form: { getAll(key: string): unknown[] } | undefined = undefined;

  constructor(
    readonly scope: HTTPScope | WebSocketScope,
    private readonly receive: Receive,
    private readonly send: Send,
    plan: HandlerPlan,
    app: AppLike | undefined,
    private built?: HTTPConnection,
    /** Nothing can take the Request (see {@link httpHandler}): the body need not be kept on one. */
    private readonly noRequestTaker = false,
  ) {
    this.embedBody = plan.embedBody;
    this.overrides = app?.dependencyOverrides;
    this.noCache = plan.noRepeatedDependency && (this.overrides?.size ?? 0) === 0;
    this.overrideNode = plan.overrideNode;
  }

  get connection(): HTTPConnection {
    return (this.built ??= new Request(this.scope, this.receive, this.send));
  }

  /**
   * Hands the whole body to `use` (a failure to read it to `failed`): read through the Request, which keeps
   * it for whoever else holds the Request, or, when nothing can take the Request, straight from receive()
   * without a Request and its receive channel.
   */
  withBody<T>(use: (body: Uint8Array) => T | PromiseLike<T>, failed: (error: unknown) => never): Promise<T> {
    if (this.built === undefined && this.noRequestTaker) return withBody(this.receive, use, failed);
    return (this.connection as Request).body().then(use, failed);
  }
}

/**
 * The default response (a JSONResponse) without its response object: a Response is a callable
 * ASGIObject (a function whose prototype is swapped at construction), the costliest allocation
 * of a small request, and nothing outside this handler can see it. The same status, bytes and
 * headers (`content-length`, `content-type`, then the sub-response's), and the background tasks
 * run after it, as JSONResponse's own `call` does. The JSON goes out as text where the send takes
 * it (asgi-core's `http.response.text`, with no middleware in between), as bytes otherwise.
 */
class JSONAnswer {
  constructor(
    private readonly status: number,
    private readonly text: string,
    private readonly headers: Header[],
    private readonly background: BackgroundTask | undefined,
  ) {}

  /**
   * Not `async`: two `then`s cost less than half of an async frame with two awaits. Where the send
   * takes text, the whole response is one message and one call, without a `then` in between.
   */
  call(scope: Scope, _receive: Receive, send: Send): Promise<void> {
    const text = (scope as HTTPScope).method === 'HEAD' ? '' : this.text;
    const sent =
      (send as MarkableSend)[ACCEPTS_TEXT] === true
        ? send({ type: 'http.response.text', status: this.status, headers: this.headers, text })
        : send({ type: 'http.response.start', status: this.status, headers: this.headers }).then(() =>
            send({ type: 'http.response.body', body: text === '' ? EMPTY : Buffer.from(text, 'utf8') }),
          );
    const background = this.background;
    return background === undefined ? sent : sent.then(() => background.run());
  }
}

/** What the handler sends: a Response, or the default JSON answer. */
type Answer = Pick<Response, 'call'>;

function buildResponse(plan: HandlerPlan, raw: unknown, ctx: SolveContext): Answer {
  if (raw instanceof Response) {
    if (raw.background === undefined && ctx.background !== undefined) raw.background = ctx.background;
    return raw;
  }
  let content: unknown;
  if (plan.responseModelClass !== undefined && raw instanceof plan.responseModelClass) {
    // An instance of the model (or a subclass) is valid already: pydantic's default
    // `revalidate_instances='never'` passes it through FastAPI's response validation as it is.
    content = plan.serializer!.dump(raw, plan.dumpOptions);
  } else if (plan.serializer) {
    const out = plan.serializer.run(raw, plan.dumpOptions);
    if (!out.ok) throw new ResponseValidationError(out.errors, raw, plan.dependant.name);
    content = out.value;
  } else {
    content = isPlainJson(raw) ? raw : jsonableEncoder(raw);
  }
  const status = ctx.response?.statusCode ?? plan.statusCode ?? 200;
  // The sub-response's headers (FastAPI's `Response` parameter) follow the computed ones.
  const subHeaders = ctx.response?.rawHeaders;
  if (plan.responseClass === JSONResponse && isBodyAllowedForStatusCode(status)) {
    const text = renderJSON(content);
    const headers: Header[] = [['content-length', String(Buffer.byteLength(text))], ['content-type', 'application/json']];
    if (subHeaders) headers.push(...subHeaders);
    return new JSONAnswer(status, text, headers, ctx.background);
  }
  const response = new plan.responseClass(content, { status, background: ctx.background });
  if (!isBodyAllowedForStatusCode(response.statusCode)) {
    response.body = EMPTY;
    response.initHeaders(response.rawHeaders.filter(([name]) => name !== 'content-length'), null);
  }
  if (subHeaders) response.rawHeaders.push(...subHeaders);
  return response;
}

/** True when the handler or a dependency below it takes the Request (or the HTTPConnection): it may read the body itself. */
function takesConnection(node: DependantNode): boolean {
  for (const [, source] of node.args) if (source.kind === 'inject' && (source.inject === 'request' || source.inject === 'connection')) return true;
  return node.dependencies.some(takesConnection);
}

/** What {@link complete} starts from when the form is still to be read. */
const UNREAD_FORM = Symbol('unread form');

/** Compiles the ASGI app of an HTTP route from its plan. */
export function httpHandler(plan: HandlerPlan): (scope: Scope, receive: Receive, send: Send) => Promise<void> {
  const needsBody = plan.bodyParams.length > 0;
  // Only code holding the Request can read a body the route does not declare: otherwise (and without
  // overrides, which may take it) nothing reads it, and the request needs no counting wrapper.
  const takesRequest = takesConnection(plan.dependant);
  const mayReadBody = needsBody || takesRequest;
  const readsForm = plan.bodyParams.some((p) => p.form);
  return (scope, receive, send) => {
    const httpScope = scope as HTTPScope;
    const app = httpScope.app as AppLike | undefined;
    const limit = app?.maxBodySize ?? DEFAULT_MAX_BODY_SIZE;
    // A declared body is counted unless its framing already bounds it; an undeclared one only where some
    // code may read it (it takes the Request, or an override may).
    const overridden = (app?.dependencyOverrides?.size ?? 0) > 0;
    const counted = needsBody ? !framedWithin(httpScope, limit) : mayReadBody || overridden;
    const ctx = new RequestContext(httpScope, counted ? limitReceive(receive, limit) : receive, send, plan, app, undefined, !takesRequest && !overridden);
    if (readsForm) return complete(plan, ctx, limit, scope, receive, send, UNREAD_FORM, NO_ERROR);
    if (!needsBody) return respond(plan, ctx, limit, scope, receive, send);
    // A body to read: nothing has run yet, so a failure to read or parse it is the request's error as it is.
    try {
      checkDeclaredLength(httpScope, limit);
      return ctx.withBody((body) => {
        ctx.body = parseBody(body, httpScope, limit);
        return respond(plan, ctx, limit, scope, receive, send);
      }, failedToRead);
    } catch (thrown) {
      return Promise.reject(bodyReadError(thrown));
    }
  };
}

/**
 * Solves the route and answers. The common case is synchronous throughout (no async dependency, no
 * exits, valid input) and runs without an async frame; anything else goes on in {@link complete}.
 */
function respond(plan: HandlerPlan, ctx: RequestContext, limit: number, scope: Scope, receive: Receive, send: Send): Promise<void> {
  let value: unknown;
  let error: unknown = NO_ERROR;
  try {
    value = solve(plan.dependant, ctx, true);
  } catch (thrown) {
    error = thrown;
  }
  if (error === NO_ERROR && value !== FAILED && !(value instanceof Promise) && ctx.functionStack.length === 0 && ctx.requestStack.length === 0) {
    try {
      return buildResponse(plan, value, ctx).call(scope, receive, send);
    } catch (thrown) {
      return Promise.reject(thrown);
    }
  }
  return complete(plan, ctx, limit, scope, receive, send, value, error);
}

/**
 * The rest of a request, from `value` (the handler's value, a promise of it, or UNREAD_FORM) or the
 * `error` so far: the response, with the exits of generator dependencies at their moments.
 */
async function complete(
  plan: HandlerPlan, ctx: RequestContext, limit: number,
  scope: Scope, receive: Receive, send: Send, value: unknown, error: unknown,
): Promise<void> {
  let response: Answer | undefined;
  if (error === NO_ERROR) {
    try {
      if (value === UNREAD_FORM) {
        await readForm(ctx.connection as Request, scope as HTTPScope, limit, ctx);
        value = solve(plan.dependant, ctx, true);
      }
      if (value instanceof Promise) value = await value;
      if (value === FAILED) throw new RequestValidationError(ctx.errors, ctx.body);
      response = buildResponse(plan, value, ctx);
    } catch (thrown) {
      error = thrown;
    }
  }
  const failed = error !== NO_ERROR;
  // Most requests have no exits: checking first saves the promise and hop of `await unwind([])`.
  if (ctx.functionStack.length > 0) error = await unwind(ctx.functionStack, error);
  if (error === NO_ERROR && failed) error = new DependencySwallowedError('(function scope)');
  if (error !== NO_ERROR) {
    const after = ctx.requestStack.length > 0 ? await unwind(ctx.requestStack, error) : error;
    throw after === NO_ERROR ? new DependencySwallowedError(ctx.requestStack.length ? '(request scope)' : 'a dependency') : after;
  }
  try {
    await response!.call(scope, receive, send);
  } catch (thrown) {
    error = thrown;
  }
  if (ctx.requestStack.length > 0) error = await unwind(ctx.requestStack, error);
  if (error !== NO_ERROR) throw error;
}

/** Compiles the ASGI app of a WebSocket route: parameters and dependencies, then the handler. */
export function websocketHandler(plan: HandlerPlan): (scope: Scope, receive: Receive, send: Send) => Promise<void> {
  return async (scope, receive, send) => {
    const wsScope = scope as WebSocketScope;
    const ctx = new RequestContext(wsScope, receive, send, plan, wsScope.app as AppLike | undefined, new WebSocket(scope, receive, send));
    let error: unknown = NO_ERROR;
    try {
      const value = await solve(plan.dependant, ctx, true);
      if (value === FAILED) throw new WebSocketRequestValidationError(ctx.errors);
    } catch (thrown) {
      error = thrown;
    }
    error = await unwind(ctx.functionStack, error);
    error = await unwind(ctx.requestStack, error);
    if (error !== NO_ERROR) throw error;
  };
}
