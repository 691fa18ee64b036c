/**
 * Builds the dependency graph (FastAPI's `get_dependant`): decorators,
 * `dependency(...)` declaration maps and the functional API all compile here,
 * once at start-up, into `DependantNode`s that carry everything the request
 * path needs (compiled coercers, argument layout, cache keys). Nothing here
 * runs per request.
 */
import 'reflect-metadata';
import { z } from 'zod';
import { DeclarationError } from '../errors';
import { compileCoercer, isSequenceSchema, type Coercer } from '../internal/coerce';
import { compileFastCheck, type FastCheck } from '../internal/fast-check';
import { injectKindOf, type InjectKind } from '../internal/injectables';
import { parameterDefaults, parameterNames } from '../internal/param-names';
import { acceptsUndefined } from '../internal/zod-walk';
import { isModelClass, type AnyModelClass } from '../models';
import { declaredParameters, dependencyParams, isDecl, SPEC, type Declaration, type DependsSpec, type ParamSpec, type Spec } from '../params';
import { isSecuritySchemeProvider, SECURITY_SCHEME, type Dependant, type ParamField, type ParamLocation } from './models';

/** A parameter with what validating it needs, compiled. */
export interface CompiledParam {
  field: ParamField;
  coercer: Coercer | null;
  /** Validates plain schemas without zod (null: always zod). */
  fastCheck: FastCheck | null;
  /** Repeated query keys / headers fill it (an array schema). */
  sequence: boolean;
  /** The value becomes an instance of this Model class. */
  model?: AnyModelClass;
  /** The wire name, lower-cased for header look-ups. */
  key: string;
  /** A form field or file: read from the parsed form. */
  form: boolean;
  /**
   * A form model (`Form(SomeModel)`): its fields, each `[wire name, sequence]`, are read
   * from the top level of the form when it is the only body parameter (FastAPI 0.113+).
   */
  formModelFields?: ReadonlyArray<readonly [string, boolean]>;
}

/** Where one argument of a call comes from. */
export type ArgSource =
  | { kind: 'param'; param: CompiledParam }
  | { kind: 'dependency'; node: DependantNode }
  | { kind: 'inject'; inject: InjectKind };

/** A `Dependant` with its compiled calling plan. */
export interface DependantNode extends Dependant {
  dependencies: DependantNode[];
  /** How `call` receives its arguments: one object keyed by name, positional values, or `new call(...)`. */
  callStyle: 'object' | 'positional' | 'construct';
  /** The arguments, in order: `[key, source]` (the key is a name for `object`, an index otherwise). */
  args: Array<[key: string | number, source: ArgSource]>;
  /** The declared dependency (the key of `dependencyOverrides` and of the per-request cache). */
  original: unknown;
  /** This node's own parameters, in the order their errors are reported. */
  params: CompiledParam[];
  /** The route path (path parameter names come from it). */
  path: string;
  /** The per-request cache key when OAuth2 scopes make it differ from `original` (FastAPI caches per call and scopes). */
  cacheKey?: unknown;
  /** True when this node or one below it reads OAuth2 scopes (FastAPI's `_uses_scopes`). */
  usesScopes?: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFunction = (...args: any[]) => unknown;

/** The `{name}` / `{name:convertor}` parameters of a route path. */
export function pathParamNames(path: string): Set<string> {
  const names = new Set<string>();
  for (const m of path.matchAll(/\{([A-Za-z_][\w]*)(?::[^}]*)?\}/g)) names.add(m[1]);
  return names;
}

/** True for an ES class (as opposed to a plain or arrow function). */
export function isClass(value: unknown): value is new (...args: never[]) => unknown {
  return typeof value === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(value));
}

/** The schema of an uploaded file (Starlette's UploadFile, checked by shape). */
export const UploadFileSchema = z.custom<import('../params').UploadFileLike>(
  (value) => value !== null && typeof value === 'object' && typeof (value as { read?: unknown }).read === 'function' && 'filename' in value,
  { message: 'Expected UploadFile' },
);

function schemaForType(type: unknown, location: ParamLocation): z.ZodType {
  if (location === 'file') return UploadFileSchema;
  if (isModelClass(type)) return type.schema;
  switch (type) {
    case String:
      return z.string();
    case Number:
      return z.number();
    case Boolean:
      return z.boolean();
    case Date:
      return z.date();
    case BigInt:
      return z.bigint();
    case Array:
      return z.array(z.string());
    default:
      return location === 'body' ? z.unknown() : z.string();
  }
}

function compileParam(spec: ParamSpec, name: string, reflected: unknown, where: string): CompiledParam {
  const model = spec.model ?? (spec.schema === undefined && isModelClass(reflected) ? reflected : undefined);
  const schema = spec.schema ?? schemaForType(reflected, spec.location);
  const o = spec.options;
  let alias = o.alias ?? name;
  if (spec.location === 'header' && o.alias === undefined && o.convertUnderscores !== false) alias = name.replace(/_/g, '-');
  const required = spec.location === 'path' ? true : !acceptsUndefined(schema);
  const field: ParamField = {
    location: spec.location,
    name,
    alias,
    schema,
    required,
    title: o.title,
    description: o.description,
    examples: o.examples,
    deprecated: o.deprecated,
    includeInSchema: o.includeInSchema ?? true,
    embed: spec.location === 'body' ? (o.embed ?? false) : undefined,
    mediaType:
      spec.location === 'body'
        ? (o.mediaType ?? 'application/json')
        : spec.location === 'form'
          ? (o.mediaType ?? 'application/x-www-form-urlencoded')
          : spec.location === 'file'
            ? (o.mediaType ?? 'multipart/form-data')
            : undefined,
  };
  if (spec.location === 'path' && acceptsUndefined(schema)) {
    throw new DeclarationError(`${where}: path parameter "${name}" cannot be optional or have a default: a path always has it`);
  }
  return {
    field,
    coercer: compileCoercer(schema),
    fastCheck: compileFastCheck(schema),
    sequence: spec.location !== 'body' && isSequenceSchema(schema),
    form: spec.location === 'form' || spec.location === 'file',
    model,
    key: spec.location === 'header' ? alias.toLowerCase() : alias,
    formModelFields: spec.location === 'form' && model !== undefined ? formModelFields(model) : undefined,
  };
}

/** The fields a form model reads from the form: each shape key, and whether it takes every repeated value. */
function formModelFields(model: AnyModelClass): Array<readonly [string, boolean]> {
  const shape = (model.schema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
  return Object.entries(shape).map(([key, fieldSchema]) => [key, isSequenceSchema(fieldSchema)] as const);
}

function emptyNode(path: string, call: unknown, name: string, original: unknown, callStyle: DependantNode['callStyle']): DependantNode {
  return {
    call: call as Dependant['call'],
    name,
    pathParams: [],
    queryParams: [],
    headerParams: [],
    cookieParams: [],
    bodyParams: [],
    dependencies: [],
    securityRequirements: [],
    useCache: true,
    scope: 'request',
    callStyle,
    args: [],
    original,
    params: [],
    path,
  };
}

const LOCATION_RANK: Record<ParamLocation, number> = { path: 0, query: 1, header: 2, cookie: 3, body: 4, form: 4, file: 4 };

function addParam(node: DependantNode, param: CompiledParam): void {
  const lists: Record<ParamLocation, ParamField[]> = {
    path: node.pathParams,
    query: node.queryParams,
    header: node.headerParams,
    cookie: node.cookieParams,
    body: node.bodyParams,
    form: node.bodyParams,
    file: node.bodyParams,
  };
  lists[param.field.location].push(param.field);
  // Errors are reported path, query, header, cookie, then body, as FastAPI does.
  const rank = LOCATION_RANK[param.field.location];
  let i = node.params.length;
  while (i > 0 && LOCATION_RANK[node.params[i - 1].field.location] > rank) i--;
  node.params.splice(i, 0, param);
}

/** Resolves one declaration (a map value, or a positional parameter's spec/type) into an argument source. */
function resolveArg(
  node: DependantNode,
  spec: Spec | undefined,
  value: unknown,
  name: string | undefined,
  reflected: unknown,
  where: string,
  hasDefault = false,
): ArgSource {
  if (spec?.kind === 'depends') {
    const target = spec.dependency ?? reflected;
    if (target === undefined || target === Object) {
      throw new DeclarationError(`${where}: Depends() without a dependency needs a class type on the parameter`);
    }
    const sub = getDependant(node.path, target, spec, node.oauthScopes);
    node.dependencies.push(sub);
    return { kind: 'dependency', node: sub };
  }
  if (spec?.kind === 'param') {
    const paramName = spec.name ?? name;
    if (!paramName) throw new DeclarationError(`${where}: cannot read the parameter's name from the source; give it: @${capital(spec.location)}('name')`);
    const param = compileParam(spec, paramName, reflected, where);
    addParam(node, param);
    return { kind: 'param', param };
  }
  const type = value ?? reflected;
  const inject = injectKindOf(type);
  if (inject) return { kind: 'inject', inject };
  if (!name) throw new DeclarationError(`${where}: cannot read the parameter's name from the source; declare it with a decorator`);
  if (isModelClass(type)) {
    const param = compileParam({ kind: 'param', location: 'body', schema: type.schema, model: type, options: {} }, name, type, where);
    addParam(node, param);
    return { kind: 'param', param };
  }
  if (value === undefined && [String, Number, Boolean, Date, BigInt, Array].includes(type as never)) {
    const location: ParamLocation = pathParamNames(node.path).has(name) ? 'path' : 'query';
    // `skip = 0` in the source: absent input passes undefined and JavaScript applies the default.
    const schema = hasDefault && location === 'query' ? schemaForType(type, location).optional() : undefined;
    const param = compileParam({ kind: 'param', location, schema, options: {} }, name, type, where);
    addParam(node, param);
    return { kind: 'param', param };
  }
  throw new DeclarationError(
    `${where}: parameter "${name}" has no declaration and its type (${describe(type)}) is not injectable; ` +
      'use @Path/@Query/@Header/@Cookie/@Body/@Depends, a Model class, or Request/Response/BackgroundTasks/WebSocket',
  );
}

const capital = (s: string): string => s[0].toUpperCase() + s.slice(1);
const describe = (t: unknown): string => (typeof t === 'function' ? t.name || 'anonymous' : String(t));

/** Fills `node` from a declaration map (`dependency({...})`, the functional API's `params`). */
function fromMap(node: DependantNode, map: Record<string, Declaration>, where: string): void {
  for (const [key, value] of Object.entries(map)) {
    const spec = isDecl(value) ? value[SPEC] : undefined;
    node.args.push([key, resolveArg(node, spec, spec ? undefined : value, key, undefined, `${where}, "${key}"`)]);
  }
}

/** Fills `node` from the decorated parameters of a method or constructor. */
function fromPositional(node: DependantNode, fn: AnyFunction, target: object, key: string | undefined, where: string): void {
  const specs = declaredParameters(target, key);
  const types = (Reflect.getMetadata('design:paramtypes', target, key as string) as unknown[] | undefined) ?? [];
  const names = parameterNames(fn, key === undefined ? 'class' : 'function');
  const defaults = parameterDefaults(fn, key === undefined ? 'class' : 'function');
  const count = Math.max(specs.length, types.length, names.length);
  if (types.length === 0 && specs.length < names.length) {
    throw new DeclarationError(
      `${where}: TypeScript emitted no parameter types (it does so only for decorated members); ` +
        'declare the parameters with @Query/@Path/@Body/@Depends/... (one decorated parameter is enough for the others to be typed)',
    );
  }
  for (let i = 0; i < count; i++) {
    node.args.push([i, resolveArg(node, specs[i], undefined, names[i], types[i], `${where}, parameter ${i} (${names[i] ?? '?'})`, defaults[i] ?? false)]);
  }
}

/**
 * The dependant of a dependency (FastAPI's `get_dependant` for a `Depends`):
 * a `dependency(...)` function, a class, a callable instance (`__call__`), or a plain function.
 */
export function getDependant(
  path: string,
  dep: unknown,
  spec?: Pick<DependsSpec, 'useCache' | 'scope' | 'scopes'>,
  parentScopes: readonly string[] = [],
): DependantNode {
  let node: DependantNode;
  const scopes = accumulateScopes(parentScopes, spec?.scopes);
  const params = dependencyParams(dep);
  if (params) {
    const fn = dep as AnyFunction;
    node = withScopes(emptyNode(path, fn, fn.name || 'dependency', dep, 'object'), scopes);
    fromMap(node, params, `dependency ${node.name}`);
  } else if (isClass(dep)) {
    node = withScopes(emptyNode(path, dep, dep.name, dep, 'construct'), scopes);
    fromPositional(node, dep as unknown as AnyFunction, dep, undefined, `class dependency ${dep.name}`);
  } else if (dep !== null && typeof dep === 'object' && typeof (dep as { __call__?: unknown }).__call__ === 'function') {
    const proto = Object.getPrototypeOf(dep) as object;
    const method = (dep as { __call__: AnyFunction }).__call__;
    node = withScopes(emptyNode(path, method.bind(dep), `${proto.constructor?.name ?? 'instance'}.__call__`, dep, 'positional'), scopes);
    fromPositional(node, method, proto, '__call__', `dependency ${node.name}`);
  } else if (typeof dep === 'function') {
    node = withScopes(emptyNode(path, dep, dep.name || 'dependency', dep, 'object'), scopes);
  } else {
    throw new DeclarationError(`Depends(${String(dep)}): a dependency must be a function, a class, or an object with a __call__ method`);
  }
  node.useCache = spec?.useCache ?? true;
  node.scope = spec?.scope ?? 'request';
  addSecurity(node, dep, (spec?.scopes?.length ?? 0) > 0);
  return node;
}

// --- Security: OAuth2 scopes down the chain, security requirements, scope-aware cache keys ---

/** The parents' scopes, then the dependency's own, each once (FastAPI's `_get_oauth_scopes`). */
function accumulateScopes(parent: readonly string[], own: readonly string[] | undefined): string[] {
  const scopes = [...parent];
  for (const scope of own ?? []) if (!scopes.includes(scope)) scopes.push(scope);
  return scopes;
}

function withScopes(node: DependantNode, scopes: string[]): DependantNode {
  node.oauthScopes = scopes;
  return node;
}

const scopedKeys = new WeakMap<object, Map<string, object>>();

/** A stable per-request cache key for `original` asked with `scopes` (the same dependency with other scopes is another value). */
function scopedCacheKey(original: unknown, scopes: readonly string[]): unknown {
  if ((typeof original !== 'object' && typeof original !== 'function') || original === null) return original;
  const id = [...new Set(scopes)].sort().join(' ');
  let byScopes = scopedKeys.get(original);
  if (!byScopes) scopedKeys.set(original, (byScopes = new Map()));
  let key = byScopes.get(id);
  if (!key) byScopes.set(id, (key = { original, scopes: id }));
  return key;
}

/** A security scheme gets its requirement; scope users get a cache key per scope set (FastAPI's `_get_cache_key`). */
function addSecurity(node: DependantNode, dep: unknown, ownScopes: boolean): void {
  const scopes = node.oauthScopes ?? [];
  const isScheme = isSecuritySchemeProvider(dep);
  if (isScheme) {
    const { schemeName, scheme } = dep[SECURITY_SCHEME];
    node.securityRequirements.push({ schemeName, scheme, scopes: [...scopes] });
  }
  node.usesScopes =
    ownScopes ||
    isScheme ||
    node.args.some(([, source]) => source.kind === 'inject' && source.inject === 'securityScopes') ||
    node.dependencies.some((sub) => sub.usesScopes === true);
  if (node.usesScopes && scopes.length > 0) node.cacheKey = scopedCacheKey(node.original, scopes);
}

/** Prepends the value-less dependencies (`dependencies: [Depends(x)]` of the app, router, route). */
export function addParameterlessDependencies(node: DependantNode, dependencies: readonly Declaration[], where: string): void {
  const subs: DependantNode[] = [];
  for (const decl of dependencies) {
    const spec = isDecl(decl) ? decl[SPEC] : undefined;
    if (!spec || spec.kind !== 'depends' || spec.dependency === undefined) {
      throw new DeclarationError(`${where}: "dependencies" takes Depends(dependency) values`);
    }
    subs.push(getDependant(node.path, spec.dependency, spec));
  }
  node.dependencies.unshift(...subs);
}

/** The dependant of a decorated controller method (`call` is bound to the controller instance). */
export function getMethodDependant(path: string, instance: object, key: string): DependantNode {
  const proto = Object.getPrototypeOf(instance) as object;
  const method = (proto as Record<string, AnyFunction>)[key];
  const owner = proto.constructor?.name ?? 'controller';
  const node = emptyNode(path, method.bind(instance), `${owner}.${key}`, method, 'positional');
  fromPositional(node, method, proto, key, `${owner}.${key}`);
  return node;
}

/** The dependant of a functional-API handler with its declaration map. */
export function getFunctionDependant(path: string, params: Record<string, Declaration>, handler: AnyFunction): DependantNode {
  const node = emptyNode(path, handler, handler.name || 'handler', handler, 'object');
  fromMap(node, params, `handler of ${path}`);
  return node;
}

/** Every body parameter of the tree, once per name (FastAPI's flat dependant body fields). */
export function flatBodyParams(node: DependantNode): CompiledParam[] {
  const out = new Map<string, CompiledParam>();
  const visit = (n: DependantNode): void => {
    for (const sub of n.dependencies) visit(sub);
    for (const p of n.params) if ((p.field.location === 'body' || p.form) && !out.has(p.field.name)) out.set(p.field.name, p);
  };
  visit(node);
  return [...out.values()];
}

/** Whether the body is an object keyed by the body parameters' names (FastAPI's `_should_embed_body_fields`). */
export function shouldEmbedBody(params: readonly CompiledParam[]): boolean {
  if (params.length === 0) return false;
  if (params.length > 1) return true;
  // A single form field is still read by its name (FastAPI embeds non-model forms); a form model reads the whole form.
  if (params[0].form) return params[0].formModelFields === undefined;
  return params[0].field.embed === true;
}

/** Checks the path parameters of a route: each `{name}` of the path is declared at most... and every declared one exists. */
export function checkPathParams(node: DependantNode, path: string, where: string): void {
  const names = pathParamNames(path);
  const visit = (n: DependantNode): void => {
    for (const p of n.pathParams) {
      if (!names.has(p.alias)) throw new DeclarationError(`${where}: path parameter "${p.alias}" is not in the path "${path}"`);
    }
    n.dependencies.forEach(visit);
  };
  visit(node);
}
