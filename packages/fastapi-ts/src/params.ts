/**
 * Parameter declarations: `Path`, `Query`, `Header`, `Cookie`, `Body` and
 * `Depends` (FastAPI's `params.py` + `param_functions.py`). Each call returns
 * a value usable two ways:
 * - as a parameter decorator: `@Query('q', z.string().optional()) q?: string`;
 * - as a declaration in a map: `dependency({ q: Query(z.string().optional()) }, ({ q }) => ...)`
 *   or `app.get('/items', { params: { q: Query(...) } }, ({ q }) => ...)`.
 * Declarations only record; the dependency engine compiles them once at start-up.
 */
import 'reflect-metadata';
import type { z } from 'zod';
import type { ParamLocation } from './dependencies/models';
import { isModelClass, type AnyModelClass } from './models';

/** Options every parameter accepts (FastAPI's `Param` keyword arguments, camelCased). */
export interface ParamOptions {
  /** The name on the wire when it differs from the parameter's name. */
  alias?: string;
  title?: string;
  description?: string;
  examples?: unknown[];
  deprecated?: boolean;
  /** `false` hides the parameter from OpenAPI; it is still read and validated. */
  includeInSchema?: boolean;
}

/** Options of `Header`: underscores in the name become hyphens unless `convertUnderscores: false`. */
export interface HeaderOptions extends ParamOptions {
  convertUnderscores?: boolean;
}

/** Options of `Body`: `embed` keeps a single body under its name; `mediaType` for OpenAPI. */
export interface BodyOptions extends ParamOptions {
  embed?: boolean;
  mediaType?: string;
}

/** The recorded declaration of one request parameter. */
export interface ParamSpec {
  readonly kind: 'param';
  readonly location: ParamLocation;
  /** The parameter's name; undefined when a decorator left it to the source's parameter name. */
  readonly name?: string;
  readonly schema?: z.ZodType;
  /** A Model class given instead of a schema: the value becomes an instance of it. */
  readonly model?: AnyModelClass;
  readonly options: BodyOptions & HeaderOptions;
}

/** The recorded declaration of a dependency. */
export interface DependsSpec {
  readonly kind: 'depends';
  /** A function, class, callable instance or `dependency(...)`; undefined: the parameter's type (a class). */
  readonly dependency?: unknown;
  readonly useCache: boolean;
  readonly scope?: 'request' | 'function';
  /** `Security(...)` only: the OAuth2 scopes this dependency asks for (added to its parents'). */
  readonly scopes?: readonly string[];
}

/** Any recorded declaration. */
export type Spec = ParamSpec | DependsSpec;

/** The key under which a declaration object carries its spec. */
export const SPEC = Symbol.for('fastapi-ts.spec');
declare const VALUE: unique symbol;

/** A parameter declaration: a parameter decorator that also carries its spec and (for inference) its value type. */
export interface Decl<T> {
  (target: object, propertyKey: string | symbol | undefined, parameterIndex: number): void;
  readonly [SPEC]: Spec;
  /** Type-level only: the value the handler receives. */
  readonly [VALUE]: T;
}

const PARAMS_META = 'fastapi-ts:params';

/** The declarations recorded by parameter decorators on a method (or a constructor when `key` is undefined). */
export function declaredParameters(target: object, key: string | symbol | undefined): Array<Spec | undefined> {
  return (Reflect.getOwnMetadata(PARAMS_META, target, key as string) as Array<Spec | undefined> | undefined) ?? [];
}

/** True when `value` is a declaration made by one of this module's functions. */
export function isDecl(value: unknown): value is Decl<unknown> {
  return typeof value === 'function' && SPEC in value;
}

/** Wraps a spec into a decorator-and-declaration. */
export function makeDecl<T>(spec: Spec): Decl<T> {
  const decorator = (target: object, propertyKey: string | symbol | undefined, index: number): void => {
    const list = [...declaredParameters(target, propertyKey)];
    list[index] = spec;
    Reflect.defineMetadata(PARAMS_META, list, target, propertyKey as string);
  };
  Object.defineProperty(decorator, SPEC, { value: spec });
  return decorator as unknown as Decl<T>;
}

type Schemaish = z.ZodType | AnyModelClass;

function isSchema(value: unknown): value is z.ZodType {
  return typeof value === 'object' && value !== null && '_zod' in value;
}

function build<T>(location: ParamLocation, args: unknown[]): Decl<T> {
  let name: string | undefined;
  let schema: z.ZodType | undefined;
  let model: AnyModelClass | undefined;
  let options: BodyOptions & HeaderOptions = {};
  let i = 0;
  if (typeof args[i] === 'string') name = args[i++] as string;
  if (isSchema(args[i])) schema = args[i++] as z.ZodType;
  else if (isModelClass(args[i])) {
    model = args[i++] as AnyModelClass;
    schema = model.schema;
  }
  if (args[i] !== undefined && typeof args[i] === 'object') options = args[i++] as BodyOptions & HeaderOptions;
  if (i < args.length && args[i] !== undefined) {
    throw new TypeError(`${location} parameter: unexpected argument ${String(args[i])}; expected (name?, schema?, options?)`);
  }
  return makeDecl<T>({ kind: 'param', location, name, schema, model, options });
}

type Value<S> = S extends AnyModelClass ? InstanceType<S> : S extends z.ZodType ? z.output<S> : never;

/** Signature shared by Path/Query/Cookie. */
export interface ParamFunction<O extends ParamOptions> {
  /** A declaration typed by its schema (or Model class): `Query(z.coerce.number().default(0))`. */
  <S extends Schemaish>(schema: S, options?: O): Decl<Value<S>>;
  /** A decorator naming the parameter: `@Query('q', z.string().optional())`. */
  <S extends Schemaish>(name: string, schema: S, options?: O): Decl<Value<S>>;
  /** A decorator or declaration of a string (or of the parameter's reflected type). */
  (name?: string, options?: O): Decl<string>;
  /** Options only. */
  (options: O): Decl<string>;
}

/** A path parameter (`/items/{item_id}`); always required. */
export const Path = ((...args: unknown[]) => build('path', args)) as ParamFunction<ParamOptions>;
/** A query parameter (`?q=...`); repeated keys fill an array schema. */
export const Query = ((...args: unknown[]) => build('query', args)) as ParamFunction<ParamOptions>;
/** A header; `x_token` reads `x-token` unless `convertUnderscores: false`. */
export const Header = ((...args: unknown[]) => build('header', args)) as ParamFunction<HeaderOptions>;
/** A cookie. */
export const Cookie = ((...args: unknown[]) => build('cookie', args)) as ParamFunction<ParamOptions>;

/** Signature of `Body`. */
export interface BodyFunction {
  <S extends Schemaish>(schema: S, options?: BodyOptions): Decl<Value<S>>;
  <S extends Schemaish>(name: string, schema: S, options?: BodyOptions): Decl<Value<S>>;
  (name?: string, options?: BodyOptions): Decl<unknown>;
  (options: BodyOptions): Decl<unknown>;
}

/**
 * A JSON body, or a part of it: several `Body` parameters (or one with
 * `embed: true`) make the body an object keyed by their names.
 */
export const Body = ((...args: unknown[]) => build('body', args)) as BodyFunction;

/** Signature of `Form` and `File`. */
export interface FormFunction<Default> {
  <S extends Schemaish>(schema: S, options?: BodyOptions): Decl<Value<S>>;
  <S extends Schemaish>(name: string, schema: S, options?: BodyOptions): Decl<Value<S>>;
  (name?: string, options?: BodyOptions): Decl<Default>;
  (options: BodyOptions): Decl<Default>;
}

/** The parts of Starlette's `UploadFile` a handler typically uses (what `File()` injects). */
export interface UploadFileLike {
  readonly filename: string | null;
  readonly contentType: string | null;
  read(size?: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/**
 * A form field (urlencoded or multipart); the body becomes a form. An empty
 * field counts as absent, as in FastAPI. Errors are located at `["body", name]`.
 * `Form(SomeModel)` as the only body parameter is a form model: the model's
 * fields are read from the top level of the form (FastAPI 0.113+).
 */
export const Form = ((...args: unknown[]) => build('form', args)) as FormFunction<string>;

/** An uploaded file (multipart): Starlette's `UploadFile`; `File(z.array(UploadFileSchema))` for several. */
export const File = ((...args: unknown[]) => build('file', args)) as FormFunction<UploadFileLike>;

/** The value a dependency provides: what it returns, resolves to, or yields. */
export type Resolved<R> =
  R extends AsyncGenerator<infer Y, unknown, unknown> ? Y : R extends Generator<infer Y, unknown, unknown> ? Y : Awaited<R>;

/** The value `Depends(d)` injects for a function, a class, or a callable instance. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DependencyValue<D> = D extends abstract new (...args: any) => infer I
  ? I
  : // eslint-disable-next-line @typescript-eslint/no-explicit-any
    D extends (...args: any) => infer R
    ? Resolved<R>
    : // eslint-disable-next-line @typescript-eslint/no-explicit-any
      D extends { __call__: (...args: any) => infer R }
      ? Resolved<R>
      : unknown;

/** Options of `Depends`. */
export interface DependsOptions {
  /** Reuse the value within one request (default true). */
  useCache?: boolean;
  /** Generator dependencies: run the cleanup after the response (`request`, default) or before it (`function`). */
  scope?: 'request' | 'function';
}

/**
 * Declares a dependency: on a parameter (`@Depends(getDb) db: Db`), in a
 * declaration map (`{ db: Depends(getDb) }`), or in `dependencies: [Depends(verifyToken)]`.
 * Without an argument, the parameter's reflected class is the dependency.
 */
export function Depends<D>(dependency?: D, options: DependsOptions = {}): Decl<DependencyValue<D>> {
  return makeDecl({ kind: 'depends', dependency, useCache: options.useCache ?? true, scope: options.scope });
}

// --- Security (FastAPI's `Security`): a Depends with OAuth2 scopes. ---

/** Options of `Security`: `Depends`' options plus the scopes the dependency requires. */
export interface SecurityOptions extends DependsOptions {
  /** OAuth2 scopes required by this dependency; they accumulate down the chain into `SecurityScopes`. */
  scopes?: readonly string[];
}

/**
 * Declares a dependency that requires OAuth2 scopes (FastAPI's `Security`):
 * like `Depends`, and the scopes are added to the ones of its parents, seen by
 * `SecurityScopes` in the dependency and below, and listed in the operation's OpenAPI `security`.
 *
 * @example
 * app.get('/users/me/items/', { params: { user: Security(getCurrentActiveUser, { scopes: ['items'] }) } }, ({ user }) => ...)
 */
export function Security<D>(dependency?: D, options: SecurityOptions = {}): Decl<DependencyValue<D>> {
  return makeDecl({ kind: 'depends', dependency, useCache: options.useCache ?? true, scope: options.scope, scopes: [...(options.scopes ?? [])] });
}

/** A value allowed in a declaration map: a declaration, an injectable class, or a Model class (a body). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Declaration = Decl<unknown> | (abstract new (...args: any) => unknown);

/** The values a handler or dependency receives for a declaration map. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Values<P> = { [K in keyof P]: P[K] extends Decl<infer T> ? T : P[K] extends abstract new (...args: any) => infer I ? I : never };

const DEPENDENCY_PARAMS = Symbol.for('fastapi-ts.dependencyParams');

/** A function dependency with declared parameters, made by {@link dependency}. */
export interface Dependency<R, P = Record<string, Declaration>> {
  (values: Values<P>): R;
  readonly [DEPENDENCY_PARAMS]: P;
}

/**
 * Declares a function dependency with its own parameters. The function
 * receives one object with the validated values; it may be sync, async, or a
 * (async) generator whose code after `yield` is its cleanup.
 *
 * @example
 * const common = dependency({ q: Query(z.string().optional()), skip: Query(Int.default(0)) }, ({ q, skip }) => ({ q, skip }));
 */
export function dependency<P extends Record<string, Declaration>, R>(params: P, fn: (values: Values<P>) => R): Dependency<R, P> {
  let target = fn as unknown as Dependency<R, P>;
  if (DEPENDENCY_PARAMS in fn) {
    target = ((values: Values<P>) => fn(values)) as unknown as Dependency<R, P>;
    Object.defineProperty(target, 'name', { value: fn.name });
  }
  Object.defineProperty(target, DEPENDENCY_PARAMS, { value: params, enumerable: false, configurable: true });
  return target;
}

/** The declaration map of a `dependency(...)`, or undefined for any other function. */
export function dependencyParams(fn: unknown): Record<string, Declaration> | undefined {
  return typeof fn === 'function' ? (fn as { [DEPENDENCY_PARAMS]?: Record<string, Declaration> })[DEPENDENCY_PARAMS] : undefined;
}
