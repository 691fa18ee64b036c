/**
 * The pieces of an operation's `responses` that do not depend on the route
 * walk: FastAPI's validation error components, status texts, response class
 * media types, and `deep_dict_update`.
 */
import { STATUS_CODES } from 'node:http';
import { RedirectResponse } from 'starlette-ts';
import type { JsonSchema } from '../models';
import { REF_PREFIX } from '../schemas';
import { isPlainObject } from './json-schema';

/** FastAPI's `ValidationError` component, key for key. */
export const VALIDATION_ERROR_DEFINITION: JsonSchema = {
  title: 'ValidationError',
  type: 'object',
  properties: {
    loc: {
      title: 'Location',
      type: 'array',
      items: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
    },
    msg: { title: 'Message', type: 'string' },
    type: { title: 'Error Type', type: 'string' },
    input: { title: 'Input' },
    ctx: { title: 'Context', type: 'object' },
  },
  required: ['loc', 'msg', 'type'],
};

/** FastAPI's `HTTPValidationError` component (the body of a 422). */
export const HTTP_VALIDATION_ERROR_DEFINITION: JsonSchema = {
  title: 'HTTPValidationError',
  type: 'object',
  properties: {
    detail: { title: 'Detail', type: 'array', items: { $ref: `${REF_PREFIX}ValidationError` } },
  },
};

const STATUS_RANGES: Record<string, string> = {
  '1XX': 'Information',
  '2XX': 'Success',
  '3XX': 'Redirection',
  '4XX': 'Client Error',
  '5XX': 'Server Error',
  DEFAULT: 'Default Response',
};

/** The reason phrase for a status key (`"404"`, `"4XX"`, `"default"`), or undefined. */
export function statusText(key: string): string | undefined {
  const upper = key.toUpperCase();
  if (upper in STATUS_RANGES) return STATUS_RANGES[upper];
  return /^\d{3}$/.test(key) ? STATUS_CODES[Number(key)] : undefined;
}

/** RFC 9110 §15: 1xx, 204, 205 and 304 responses carry no content. */
export function isBodyAllowedForStatus(status: number | string | null | undefined): boolean {
  if (status === null || status === undefined) return true;
  const key = String(status).toUpperCase();
  if (key === 'DEFAULT' || key === '1XX' || key === '2XX' || key === '3XX' || key === '4XX' || key === '5XX') {
    return true;
  }
  const code = Number(key);
  if (code < 200) return false;
  return code !== 204 && code !== 205 && code !== 304;
}

/** What the generator needs from a response class: its media type and default status. */
export interface ResponseClassInfo {
  /** `null`: the class sets no content type (a bare `Response`), so no content is documented. */
  mediaType: string | null;
  /** True for JSON responses: their content is described by the response model. */
  isJson: boolean;
  defaultStatus: number;
}

/** Reads `defaultMediaType` (or `mediaType`) and `defaultStatusCode` off a response class; JSON when none is given. */
export function responseClassInfo(responseClass: unknown): ResponseClassInfo {
  if (typeof responseClass !== 'function') return { mediaType: 'application/json', isJson: true, defaultStatus: 200 };
  const statics = responseClass as unknown as Record<string, unknown>;
  const prototype = (responseClass as { prototype?: Record<string, unknown> }).prototype ?? {};
  // starlette-ts response classes carry `static defaultMediaType` (`null` for a bare Response).
  const raw = 'defaultMediaType' in statics ? statics.defaultMediaType : (statics.mediaType ?? statics.media_type ?? prototype.mediaType ?? null);
  const mediaType = typeof raw === 'string' ? raw : null;
  const status = statics.defaultStatusCode ?? statics.statusCode;
  // FastAPI reads the default of the class's `status_code` argument: RedirectResponse's is 307.
  const redirect = responseClass === RedirectResponse || responseClass.prototype instanceof RedirectResponse;
  return {
    mediaType,
    isJson: mediaType !== null && (mediaType === 'application/json' || mediaType.endsWith('+json')),
    defaultStatus: typeof status === 'number' ? status : redirect ? 307 : 200,
  };
}

/**
 * FastAPI's `deep_dict_update`: objects merge recursively, arrays concatenate,
 * anything else is replaced. Values are not copied: generated schemas must
 * stay the very objects the generator rewrites `$ref`s in.
 */
export function deepUpdate(target: Record<string, unknown>, update: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(update)) {
    const current = target[key];
    if (isPlainObject(current) && isPlainObject(value)) {
      deepUpdate(current, value);
    } else if (Array.isArray(current) && Array.isArray(value)) {
      target[key] = [...current, ...value];
    } else {
      target[key] = value;
    }
  }
}
