/**
 * OpenAPI 3.1 document types (https://spec.openapis.org/oas/v3.1.0), as
 * FastAPI's `fastapi/openapi/models.py`. Every object allows `x-` extensions;
 * JSON Schema objects are the 2020-12 dialect OpenAPI 3.1 uses.
 */

/** A JSON Schema (2020-12) object or boolean schema, as embedded in OpenAPI 3.1. */
export type SchemaObject = { [keyword: string]: unknown } | boolean;

/** A JSON Schema object (never the boolean form): what the generator builds. */
export interface JsonSchema {
  $ref?: string;
  title?: string;
  description?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  examples?: unknown[];
  format?: string;
  contentMediaType?: string;
  deprecated?: boolean;
  [keyword: string]: unknown;
}

/** Specification extensions (`x-...`) allowed on every object. */
export interface Extensions {
  [extension: `x-${string}`]: unknown;
}

/** The Contact Object of `info`. */
export interface Contact extends Extensions {
  name?: string;
  url?: string;
  email?: string;
}

/** The License Object of `info` (`identifier` and `url` are mutually exclusive). */
export interface License extends Extensions {
  name: string;
  identifier?: string;
  url?: string;
}

/** The Info Object: metadata about the API. */
export interface Info extends Extensions {
  title: string;
  summary?: string;
  description?: string;
  termsOfService?: string;
  contact?: Contact;
  license?: License;
  version: string;
}

/** A Server Variable Object. */
export interface ServerVariable extends Extensions {
  enum?: string[];
  default: string;
  description?: string;
}

/** A Server Object: where the API is served (`rootPath` becomes one). */
export interface Server extends Extensions {
  url: string;
  description?: string;
  variables?: Record<string, ServerVariable>;
}

/** An External Documentation Object. */
export interface ExternalDocumentation extends Extensions {
  description?: string;
  url: string;
}

/** A Tag Object (the `openapiTags` option). */
export interface Tag extends Extensions {
  name: string;
  description?: string;
  externalDocs?: ExternalDocumentation;
}

/** A Reference Object. */
export interface Reference {
  $ref: string;
  summary?: string;
  description?: string;
}

/** An Example Object (`openapiExamples`). */
export interface Example extends Extensions {
  summary?: string;
  description?: string;
  value?: unknown;
  externalValue?: string;
}

/** An Encoding Object of a multipart or urlencoded request body property. */
export interface Encoding extends Extensions {
  contentType?: string;
  headers?: Record<string, Header | Reference>;
  style?: string;
  explode?: boolean;
  allowReserved?: boolean;
}

/** A Media Type Object. */
export interface MediaType extends Extensions {
  schema?: SchemaObject;
  example?: unknown;
  examples?: Record<string, Example | Reference>;
  encoding?: Record<string, Encoding>;
}

/** Where a parameter is sent. */
export type ParameterLocation = 'query' | 'header' | 'path' | 'cookie';

/** A Parameter Object. */
export interface Parameter extends Extensions {
  name: string;
  in: ParameterLocation;
  description?: string;
  required?: boolean;
  deprecated?: boolean;
  allowEmptyValue?: boolean;
  style?: string;
  explode?: boolean;
  allowReserved?: boolean;
  schema?: SchemaObject;
  example?: unknown;
  examples?: Record<string, Example | Reference>;
  content?: Record<string, MediaType>;
}

/** A Header Object (a Parameter without `name` and `in`). */
export type Header = Omit<Parameter, 'name' | 'in'>;

/** A Request Body Object. */
export interface RequestBody extends Extensions {
  description?: string;
  content: Record<string, MediaType>;
  required?: boolean;
}

/** A Link Object. */
export interface Link extends Extensions {
  operationRef?: string;
  operationId?: string;
  parameters?: Record<string, unknown>;
  requestBody?: unknown;
  description?: string;
  server?: Server;
}

/** A Response Object. */
export interface Response extends Extensions {
  description: string;
  headers?: Record<string, Header | Reference>;
  content?: Record<string, MediaType>;
  links?: Record<string, Link | Reference>;
}

/** The Responses Object: status code (or `1XX`...`5XX`, `default`) to response. */
export type Responses = Record<string, Response | Reference>;

/** A Security Requirement Object: scheme name to the scopes it needs. */
export type SecurityRequirementObject = Record<string, string[]>;

/** An Operation Object. */
export interface Operation extends Extensions {
  tags?: string[];
  summary?: string;
  description?: string;
  externalDocs?: ExternalDocumentation;
  operationId?: string;
  parameters?: Array<Parameter | Reference>;
  requestBody?: RequestBody | Reference;
  responses?: Responses;
  callbacks?: Record<string, Record<string, PathItem>>;
  deprecated?: boolean;
  security?: SecurityRequirementObject[];
  servers?: Server[];
}

/** The HTTP methods a Path Item can hold. */
export type HttpMethodKey = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch' | 'trace';

/** A Path Item Object. */
export type PathItem = Extensions & {
  $ref?: string;
  summary?: string;
  description?: string;
  servers?: Server[];
  parameters?: Array<Parameter | Reference>;
} & { [method in HttpMethodKey]?: Operation };

/** An OAuth Flow Object. */
export interface OAuthFlow extends Extensions {
  authorizationUrl?: string;
  tokenUrl?: string;
  refreshUrl?: string;
  scopes: Record<string, string>;
}

/** A Security Scheme Object. */
export interface SecurityScheme extends Extensions {
  type: 'apiKey' | 'http' | 'mutualTLS' | 'oauth2' | 'openIdConnect';
  description?: string;
  name?: string;
  in?: 'query' | 'header' | 'cookie';
  scheme?: string;
  bearerFormat?: string;
  flows?: {
    implicit?: OAuthFlow;
    password?: OAuthFlow;
    clientCredentials?: OAuthFlow;
    authorizationCode?: OAuthFlow;
  };
  openIdConnectUrl?: string;
}

/** The Components Object. */
export interface Components extends Extensions {
  schemas?: Record<string, SchemaObject>;
  responses?: Record<string, Response | Reference>;
  parameters?: Record<string, Parameter | Reference>;
  examples?: Record<string, Example | Reference>;
  requestBodies?: Record<string, RequestBody | Reference>;
  headers?: Record<string, Header | Reference>;
  securitySchemes?: Record<string, SecurityScheme | Reference>;
  links?: Record<string, Link | Reference>;
  callbacks?: Record<string, Record<string, PathItem> | Reference>;
  pathItems?: Record<string, PathItem | Reference>;
}

/** The OpenAPI Object: the root of a document. */
export interface OpenAPIObject extends Extensions {
  openapi: string;
  info: Info;
  jsonSchemaDialect?: string;
  servers?: Server[];
  paths?: Record<string, PathItem>;
  webhooks?: Record<string, PathItem>;
  components?: Components;
  security?: SecurityRequirementObject[];
  tags?: Tag[];
  externalDocs?: ExternalDocumentation;
}
