// Route path compilation (Starlette's compile_path / replace_params / get_route_path).
import type { Scope } from 'asgi-core';
import { CONVERTOR_TYPES, type Convertor, StringConvertor } from '../convertors';
import { RouteDefinitionError } from '../errors';

const PARAM_REGEX = /\{([a-zA-Z_][a-zA-Z0-9_]*)(:[a-zA-Z_][a-zA-Z0-9_]*)?\}/g;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** A compiled route path or host pattern. */
export interface CompiledPath {
  regex: RegExp;
  /** The path with `{name}` placeholders (convertor types removed). */
  format: string;
  convertors: Record<string, Convertor<any>>;
  /** Parameter names in order of appearance. */
  names: string[];
  /** The literal text before the first parameter: a cheap pre-check before running the regex. */
  prefix: string;
  /** True when the pattern has no parameters (an exact string comparison suffices). */
  isStatic: boolean;
  /** The index in a regex match of each parameter's group (numbered: a named group costs an object per match). */
  groups: number[];
  /**
   * The literal texts around the parameters (one more than the parameters), when every parameter is a `str`
   * followed by a `/` or the end: such a path is matched by scanning for `/`, without the regex.
   */
  literals: string[] | null;
}

/** The number of capturing groups in a regex fragment. */
function countGroups(fragment: string): number {
  return (new RegExp(`|${fragment}`).exec('') as RegExpExecArray).length - 1;
}

/**
 * Compiles `/{username:str}` (or a host pattern `{sub}.example.org`) once, at route
 * construction, into an anchored regex with one named group per parameter.
 */
export function compilePath(path: string): CompiledPath {
  const isHost = !path.startsWith('/');
  let regex = '^';
  let format = '';
  let index = 0;
  const convertors: Record<string, Convertor<any>> = {};
  const names: string[] = [];
  const groups: number[] = [];
  const literals: string[] = [];
  let simple = !isHost;
  let groupCount = 0;
  const duplicated = new Set<string>();
  let prefix: string | undefined;
  for (const match of path.matchAll(PARAM_REGEX)) {
    const name = match[1];
    const type = (match[2] ?? ':str').slice(1);
    const convertor = CONVERTOR_TYPES[type];
    if (convertor === undefined) throw new RouteDefinitionError(`Unknown path convertor '${type}' in path ${path}`);
    const literal = path.slice(index, match.index);
    prefix ??= literal;
    regex += escapeRegex(literal) + `(${convertor.regex})`;
    groups.push(groupCount + 1);
    groupCount += 1 + countGroups(convertor.regex);
    if (convertor !== StringConvertor || (literals.length > 0 && !literal.startsWith('/'))) simple = false;
    literals.push(literal);
    format += literal + `{${name}}`;
    if (name in convertors) duplicated.add(name);
    convertors[name] = convertor;
    names.push(name);
    index = (match.index as number) + match[0].length;
  }
  if (duplicated.size > 0) {
    const list = [...duplicated].sort().join(', ');
    throw new RouteDefinitionError(`Duplicated param name${duplicated.size > 1 ? 's' : ''} ${list} at path ${path}`);
  }
  const tail = path.slice(index);
  literals.push(tail);
  if (tail !== '' && !tail.startsWith('/')) simple = false;
  // Host patterns ignore the port, as Host.matches does.
  regex += escapeRegex(isHost ? tail.split(':')[0] : tail) + '$';
  format += tail;
  return {
    regex: new RegExp(regex),
    format,
    convertors,
    names,
    prefix: prefix ?? format,
    isStatic: names.length === 0,
    groups,
    literals: simple && names.length > 0 ? literals : null,
  };
}

/** Fills `{name}` placeholders of `format` from `params`; returns the path and the unused params. */
export function replaceParams(
  format: string,
  convertors: Record<string, Convertor<any>>,
  params: Record<string, unknown>,
): [string, Record<string, unknown>] {
  let path = format;
  const remaining: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    const placeholder = `{${key}}`;
    if (path.includes(placeholder)) path = path.replace(placeholder, convertors[key].toString(value));
    else remaining[key] = value;
  }
  return [path, remaining];
}

/** The path the routes match against: `scope.path` minus `scope.root_path` (Starlette's get_route_path). */
export function getRoutePath(scope: Scope): string {
  const path = scope.path as string;
  const root = scope.root_path as string | undefined;
  if (!root) return path;
  if (!path.startsWith(root)) return path;
  if (path.length === root.length) return '';
  if (path[root.length] === '/') return path.slice(root.length);
  return path;
}
