/**
 * `app.openapi()`: the app's OpenAPI document, generated on first use and
 * cached in `app.openapiSchema` (which users may set or edit, as in FastAPI's
 * "Extending OpenAPI" recipe). Adding routes after the first call makes the
 * next call regenerate a document the app generated itself.
 */
import type { Contact, ExternalDocumentation, License, OpenAPIObject, Server, Tag } from './models';
import { getOpenapi } from './utils';

/** The app settings the document is built from (FastAPI's constructor arguments, camelCased). */
export interface OpenapiHost {
  title: string;
  version: string;
  openapiVersion?: string;
  summary?: string | null;
  description?: string | null;
  termsOfService?: string | null;
  contact?: Contact | null;
  /** FastAPI's `license_info`. */
  licenseInfo?: License | null;
  /** The app's routes, flattened (include/prefix applied). */
  routes: readonly unknown[];
  /** Webhook routes, or a router holding them (FastAPI's `app.webhooks`). */
  webhooks?: readonly unknown[] | { routes: readonly unknown[] } | null;
  openapiTags?: Tag[] | null;
  servers?: Server[] | null;
  separateInputOutputSchemas?: boolean;
  openapiExternalDocs?: ExternalDocumentation | null;
  /** The cached document; set it to serve a document of your own. */
  openapiSchema?: OpenAPIObject | null;
}

/** For documents this module generated: how many routes the app had then. */
const generatedFor = new WeakMap<OpenAPIObject, number>();

function webhookRoutes(webhooks: OpenapiHost['webhooks']): readonly unknown[] {
  if (!webhooks) return [];
  if (Array.isArray(webhooks)) return webhooks;
  return (webhooks as { routes: readonly unknown[] }).routes ?? [];
}

/**
 * What `app.openapi()` returns: `app.openapiSchema` when set, else a freshly
 * generated document, stored there for the next call.
 *
 * @example
 * class FastAPI { openapi() { return getAppOpenapi(this); } }
 */
export function getAppOpenapi(app: OpenapiHost): OpenAPIObject {
  const cached = app.openapiSchema;
  const routeCount = app.routes.length + webhookRoutes(app.webhooks).length;
  if (cached && (!generatedFor.has(cached) || generatedFor.get(cached) === routeCount)) return cached;
  const document = getOpenapi({
    title: app.title,
    version: app.version,
    openapiVersion: app.openapiVersion,
    summary: app.summary,
    description: app.description,
    termsOfService: app.termsOfService,
    contact: app.contact,
    license: app.licenseInfo,
    routes: app.routes,
    webhooks: webhookRoutes(app.webhooks),
    tags: app.openapiTags,
    servers: app.servers,
    separateInputOutputSchemas: app.separateInputOutputSchemas,
    externalDocs: app.openapiExternalDocs,
  });
  generatedFor.set(document, routeCount);
  app.openapiSchema = document;
  return document;
}
