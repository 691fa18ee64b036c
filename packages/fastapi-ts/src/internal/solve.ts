/**
 * Runs a compiled dependency tree for one request (FastAPI's
 * `solve_dependencies`): sub-dependencies first (each once per request unless
 * `useCache: false`, overrides applied), then the node's own parameters; all
 * validation errors of the whole tree are collected before anything fails.
 * Generator dependencies are entered here and their exits pushed on the
 * request's exit stacks (see `exit-stack.ts`). Sync calls are not awaited.
 */
import type { HTTPScope, WebSocketScope } from 'asgi-core';
import { Response, type HTTPConnection } from 'starlette-ts';
import { BackgroundTasks } from '../background';
import type { CompiledParam, DependantNode } from '../dependencies/utils';
import { FastAPIError } from '../errors';
import { instantiate } from '../models';
import { SecurityScopes } from '../security/scopes';
import { pushExit, type ExitEntry } from './exit-stack';
import { MISS } from './fast-check';
import { missingError, issuesWithInput, translateIssues, type ErrorDict } from './validation-errors';

/** Marks a node whose parameters (or whose sub-dependencies' parameters) did not validate. */
export const FAILED = Symbol('failed');

/** What one request's resolution needs and accumulates. */
export interface SolveContext {
  scope: HTTPScope | WebSocketScope;
  connection: HTTPConnection;
  /** The parsed body (`undefined` when there is none). */
  body: unknown;
  /** Body parameters are read under their names. */
  embedBody: boolean;
  errors: ErrorDict[];
  /** Values of cached sub-dependencies (created by the first one). */
  cache?: Map<unknown, unknown>;
  /** No dependency can be reached twice in this request (see {@link reachesADependencyTwice}): nothing to cache. */
  noCache?: boolean;
  requestStack: ExitEntry[];
  functionStack: ExitEntry[];
  /** The temporal response (status/headers/cookies merged into the final one). */
  response?: Response;
  background?: BackgroundTasks;
  overrides?: Map<unknown, unknown>;
  /** Compiles (once, then cached by the route) the node of an override. */
  overrideNode?: (node: DependantNode, replacement: unknown) => DependantNode;
  query?: Map<string, string[]>;
  /** The parsed form, for form and file parameters. */
  form?: { getAll(key: string): unknown[] };
}

function addQueryValue(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The query string's values by name, blank values kept (Starlette's `parse_qsl(keep_blank_values=True)`).
 * Without `%` or `+` there is nothing to decode: the pairs are split directly, as URLSearchParams
 * splits them (empty segments skipped, a missing `=` is an empty value); anything else is decoded
 * by URLSearchParams.
 */
export function parseQuery(qs: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  if (!qs) return map;
  if (qs.includes('%') || qs.includes('+')) {
    for (const [key, value] of new URLSearchParams(qs)) addQueryValue(map, key, value);
    return map;
  }
  let start = 0;
  while (start <= qs.length) {
    let end = qs.indexOf('&', start);
    if (end === -1) end = qs.length;
    if (end > start) {
      const eq = qs.indexOf('=', start);
      if (eq === -1 || eq > end) addQueryValue(map, qs.slice(start, end), '');
      else addQueryValue(map, qs.slice(start, eq), qs.slice(eq + 1, end));
    }
    start = end + 1;
  }
  return map;
}

function readRaw(p: CompiledParam, ctx: SolveContext): unknown {
  switch (p.field.location) {
    case 'path': {
      const params = ctx.scope.path_params as Record<string, unknown> | undefined;
      return params !== undefined && Object.hasOwn(params, p.key) ? params[p.key] : undefined;
    }
    case 'query': {
      const list = (ctx.query ??= parseQuery(ctx.scope.query_string)).get(p.key);
      if (!list) return p.sequence ? [] : undefined;
      return p.sequence ? list : list[list.length - 1];
    }
    case 'header': {
      if (p.sequence) {
        const out: string[] = [];
        for (const [name, value] of ctx.scope.headers) if (name === p.key) out.push(value);
        return out;
      }
      for (const [name, value] of ctx.scope.headers) if (name === p.key) return value;
      return undefined;
    }
    case 'cookie': {
      const cookies = ctx.connection.cookies;
      return Object.hasOwn(cookies, p.key) ? cookies[p.key] : undefined;
    }
    case 'form':
    case 'file': {
      if (p.formModelFields !== undefined && !ctx.embedBody) return formModelInput(p.formModelFields, ctx.form);
      const values = ctx.form?.getAll(p.key) ?? [];
      if (p.sequence) return values;
      const last = values[values.length - 1];
      // FastAPI treats an empty form field as absent.
      return last === '' && p.field.location === 'form' ? undefined : last;
    }
    default: {
      if (!ctx.embedBody) return ctx.body;
      const body = ctx.body;
      if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
      return Object.hasOwn(body, p.key) ? (body as Record<string, unknown>)[p.key] : undefined;
    }
  }
}

/** A form model's input: its fields from the form (empty values count as absent, as in FastAPI). */
function formModelInput(fields: ReadonlyArray<readonly [string, boolean]>, form: SolveContext['form']): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, sequence] of fields) {
    const values = form?.getAll(key) ?? [];
    if (sequence) {
      if (values.length > 0) out[key] = values;
    } else {
      const last = values[values.length - 1];
      if (last !== undefined && last !== '') out[key] = last;
    }
  }
  return out;
}

/** Where a parameter's errors point (`["query", "q"]`, or `["body"]` for an unembedded body). */
function locOf(p: CompiledParam, ctx: SolveContext): Array<string | number> {
  const location = p.field.location === 'form' || p.field.location === 'file' ? 'body' : p.field.location;
  return location === 'body' && !ctx.embedBody ? ['body'] : [location, p.field.alias];
}

function validate(p: CompiledParam, ctx: SolveContext): unknown {
  let raw = readRaw(p, ctx);
  if (raw === undefined || (p.sequence && (raw as unknown[]).length === 0)) {
    if (p.field.required) {
      ctx.errors.push(missingError(locOf(p, ctx)));
      return FAILED;
    }
    raw = undefined;
  }
  const input = p.coercer !== null && raw !== undefined ? p.coercer(raw) : raw;
  if (p.fastCheck !== null) {
    const value = p.fastCheck(input);
    if (value !== MISS) return value;
  }
  const result = p.field.schema.safeParse(input);
  if (!result.success) {
    for (const e of translateIssues(issuesWithInput(p.field.schema, input), p.field.schema, raw, locOf(p, ctx))) ctx.errors.push(e);
    return FAILED;
  }
  if (p.model && result.data !== null && typeof result.data === 'object') {
    return instantiate(p.model, raw, result.data as Record<string, unknown>);
  }
  return result.data;
}

/** The temporal response FastAPI injects as `Response`: no status until one is set, no headers. */
export function temporalResponse(): Response {
  const response = new Response();
  response.rawHeaders.splice(0);
  (response as { statusCode: number | undefined }).statusCode = undefined;
  return response;
}

function inject(kind: string, ctx: SolveContext): unknown {
  switch (kind) {
    case 'response':
      return (ctx.response ??= temporalResponse());
    case 'background':
      return (ctx.background ??= new BackgroundTasks());
    default:
      return ctx.connection;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}

function generatorKind(value: unknown): 'sync' | 'async' | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const tag = Object.prototype.toString.call(value);
  return tag === '[object Generator]' ? 'sync' : tag === '[object AsyncGenerator]' ? 'async' : undefined;
}

type Maybe<T> = T | Promise<T>;

function isPromise(value: unknown): value is Promise<unknown> {
  return value instanceof Promise;
}

/** Where each argument's value sits: a parameter (index in `params`), a dependency (index in `dependencies`), an injection. */
type Slot = [key: string | number, kind: 0 | 1 | 2, index: number, inject: string];
const kSlots = Symbol('slots');
type LaidOut = DependantNode & { [kSlots]?: Slot[] };

/** The argument layout of a node, computed once (after the route added its parameterless dependencies) and kept on it. */
function slotsOf(node: LaidOut): Slot[] {
  return (node[kSlots] ??= node.args.map(([key, source]): Slot => {
    if (source.kind === 'param') return [key, 0, node.params.indexOf(source.param), ''];
    if (source.kind === 'dependency') return [key, 1, node.dependencies.indexOf(source.node), ''];
    return [key, 2, -1, source.inject];
  }));
}

function resolveSub(sub: DependantNode, ctx: SolveContext): Maybe<unknown> {
  let node = sub;
  if (ctx.overrides !== undefined && ctx.overrides.size > 0 && ctx.overrideNode) {
    const replacement = ctx.overrides.get(sub.original);
    if (replacement !== undefined) node = ctx.overrideNode(sub, replacement);
  }
  if (!node.useCache || ctx.noCache === true) return solve(node, ctx, false);
  const key = node.cacheKey ?? node.original;
  if (ctx.cache?.has(key)) return ctx.cache.get(key);
  const value = solve(node, ctx, false);
  // A failed dependency is cached too: used twice, its errors are reported once.
  if (isPromise(value)) {
    return value.then((v) => {
      (ctx.cache ??= new Map()).set(key, v);
      return v;
    });
  }
  (ctx.cache ??= new Map()).set(key, value);
  return value;
}

/**
 * True when a cached dependency appears more than once in the tree under `root` (under its cache key):
 * only then can a request use its per-request cache. An override can add such a repeat, so a request
 * with overrides set always caches.
 */
export function reachesADependencyTwice(root: DependantNode): boolean {
  const seen = new Set<unknown>();
  const walk = (node: DependantNode): boolean =>
    node.dependencies.some((sub) => {
      if (sub.useCache) {
        const key = sub.cacheKey ?? sub.original;
        if (seen.has(key)) return true;
        seen.add(key);
      }
      return walk(sub);
    });
  return walk(root);
}

/**
 * Solves `node`: returns its value, or FAILED when validation errors were
 * collected (into `ctx.errors`) for it or below it. Sync all the way down
 * unless a dependency, a generator or the handler is async: a tree of sync
 * dependencies costs no promise. The root (a handler) is not entered as a
 * generator: its return value is returned as is (awaited when a promise).
 */
export function solve(node: DependantNode, ctx: SolveContext, root: boolean): Maybe<unknown> {
  const deps = node.dependencies;
  const depValues: unknown[] = deps.length ? new Array(deps.length) : EMPTY_VALUES;
  let pending: Promise<unknown> | undefined;
  for (let i = 0; i < deps.length; i++) {
    if (pending !== undefined) {
      pending = pending.then(() => {
        const v = resolveSub(deps[i], ctx);
        if (isPromise(v)) return v.then((x) => void (depValues[i] = x));
        depValues[i] = v;
        return undefined;
      });
      continue;
    }
    const v = resolveSub(deps[i], ctx);
    if (isPromise(v)) pending = v.then((x) => void (depValues[i] = x));
    else depValues[i] = v;
  }
  if (pending !== undefined) return pending.then(() => finish(node, ctx, depValues, root));
  return finish(node, ctx, depValues, root);
}

const EMPTY_VALUES: unknown[] = [];

function finish(node: DependantNode, ctx: SolveContext, depValues: unknown[], root: boolean): Maybe<unknown> {
  for (const v of depValues) if (v === FAILED) {
    // The failing dependency recorded its errors; still validate this node's own parameters.
    validateAll(node, ctx);
    return FAILED;
  }
  const before = ctx.errors.length;
  const paramValues = validateAll(node, ctx);
  if (ctx.errors.length > before) return FAILED;

  const layout = slotsOf(node);
  const positional = node.callStyle !== 'object';
  const argList: unknown[] = positional ? new Array(layout.length) : EMPTY_VALUES;
  const argObject: Record<string, unknown> | undefined = positional ? undefined : {};
  for (let i = 0; i < layout.length; i++) {
    const [key, kind, index, injected] = layout[i];
    const value =
      kind === 0 ? paramValues[index] : kind === 1 ? depValues[index] : injected === 'securityScopes' ? new SecurityScopes(node.oauthScopes) : inject(injected, ctx);
    if (positional) argList[key as number] = value;
    else argObject![key as string] = value;
  }
  const call = node.call as unknown as (...args: unknown[]) => unknown;
  const result =
    node.callStyle === 'construct'
      ? new (call as unknown as new (...args: unknown[]) => unknown)(...argList)
      : positional
        ? call(...argList)
        : call(argObject!);
  if (root) return isThenable(result) ? Promise.resolve(result) : result;
  const gen = generatorKind(result);
  if (gen === 'sync') {
    const iterator = result as Generator<unknown>;
    return entered(node, ctx, iterator, false, iterator.next());
  }
  if (gen === 'async') {
    const iterator = result as AsyncGenerator<unknown>;
    return iterator.next().then((first) => entered(node, ctx, iterator, true, first));
  }
  return isThenable(result) ? Promise.resolve(result) : result;
}

function entered(node: DependantNode, ctx: SolveContext, iterator: Generator<unknown> | AsyncGenerator<unknown>, async: boolean, first: IteratorResult<unknown>): unknown {
  if (first.done) throw new FastAPIError(`The dependency "${node.name}" returned without yielding a value`, 'dependency_no_yield');
  pushExit(node.scope === 'function' ? ctx.functionStack : ctx.requestStack, { iterator, async, name: node.name });
  return first.value;
}

function validateAll(node: DependantNode, ctx: SolveContext): unknown[] {
  const params = node.params;
  if (params.length === 0) return EMPTY_VALUES;
  const values = new Array<unknown>(params.length);
  for (let i = 0; i < params.length; i++) values[i] = validate(params[i], ctx);
  return values;
}
