/**
 * getOpenapi() on hand-built routes that follow the dependency-graph
 * contract, compared with what FastAPI emits for the equivalent tutorial
 * apps (fastapi/fastapi tests/test_tutorial), and validated as OpenAPI 3.1.
 */
import { HTMLResponse, PlainTextResponse, RedirectResponse, StreamingResponse } from 'starlette-ts';
import { z } from 'zod';
import type { Dependant, ParamField, ParamLocation } from '../src/dependencies/models';
import { getOpenapi, generateUniqueId, type OpenAPIRoute } from '../src/openapi/utils';
import { SchemaGenerator, registerSchemaName } from '../src/openapi/schemas';
import { DeclarationError, FastAPIError } from '../src/errors';
import type { OpenAPIObject } from '../src/openapi/models';
import { HTTP_VALIDATION_ERROR, RESPONSE_422, VALIDATION_ERROR, validateOpenapi } from './helpers/openapi';

type FieldOptions = Partial<Omit<ParamField, 'location' | 'name' | 'schema'>>;

function field(location: ParamLocation, name: string, schema: z.ZodType, options: FieldOptions = {}): ParamField {
  const optional = (schema as unknown as { _zod: { optin?: string } })._zod.optin !== undefined;
  return {
    location,
    name,
    alias: location === 'header' ? name.replace(/_/g, '-') : name,
    schema,
    required: !optional,
    includeInSchema: true,
    ...options,
  };
}

function dependant(name: string, fields: ParamField[] = [], extra: Partial<Dependant> = {}): Dependant {
  const of = (...locations: ParamLocation[]) => fields.filter((f) => locations.includes(f.location));
  return {
    call: extra.call ?? (() => undefined),
    name,
    pathParams: of('path'),
    queryParams: of('query'),
    headerParams: of('header'),
    cookieParams: of('cookie'),
    bodyParams: of('body', 'form', 'file'),
    dependencies: [],
    securityRequirements: [],
    useCache: true,
    scope: 'request',
    ...extra,
  };
}

function route(method: string, path: string, name: string, fields: ParamField[] = [], extra: Partial<OpenAPIRoute> = {}): OpenAPIRoute {
  return { path, methods: new Set([method]), name, dependant: dependant(name, fields), ...extra };
}

function named<T extends z.ZodType>(name: string, schema: T): T {
  registerSchemaName(schema, name);
  return schema;
}

const ANY_JSON_200 = { description: 'Successful Response', content: { 'application/json': { schema: {} } } };


const doc = (routes: unknown[], extra: Partial<Parameters<typeof getOpenapi>[0]> = {}): OpenAPIObject =>
  getOpenapi({ title: 'FastAPI', version: '0.1.0', routes, ...extra });

describe('FastAPI tutorial parity', () => {
  test('body tutorial001: the whole document equals what FastAPI emits', () => {
    const Item = named('Item', z.object({
      name: z.string(),
      description: z.string().nullable().optional(),
      price: z.number(),
      tax: z.number().nullable().optional(),
    }));
    const result = doc([route('POST', '/items/', 'create_item', [field('body', 'item', Item)])]);
    expect(result).toEqual({
      openapi: '3.1.0',
      info: { title: 'FastAPI', version: '0.1.0' },
      paths: {
        '/items/': {
          post: {
            responses: { '200': ANY_JSON_200, '422': RESPONSE_422 },
            summary: 'Create Item',
            operationId: 'create_item_items__post',
            requestBody: {
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } },
              required: true,
            },
          },
        },
      },
      components: {
        schemas: {
          Item: {
            title: 'Item',
            required: ['name', 'price'],
            type: 'object',
            properties: {
              name: { title: 'Name', type: 'string' },
              price: { title: 'Price', type: 'number' },
              description: { title: 'Description', anyOf: [{ type: 'string' }, { type: 'null' }] },
              tax: { title: 'Tax', anyOf: [{ type: 'number' }, { type: 'null' }] },
            },
          },
          ValidationError: VALIDATION_ERROR,
          HTTPValidationError: HTTP_VALIDATION_ERROR,
        },
      },
    });
    expect(Object.keys(result.components!.schemas!)).toEqual(['HTTPValidationError', 'Item', 'ValidationError']);
  });

  test('query_params_str_validations tutorial010: alias, title, description, deprecated', () => {
    const q = field('query', 'q', z.string().min(3).max(50).regex(/^fixedquery$/).nullable().optional(), {
      alias: 'item-query',
      title: 'Query string',
      description: 'Query string for the items to search in the database that have a good match',
      deprecated: true,
    });
    const op = doc([route('GET', '/items/', 'read_items', [q])]).paths!['/items/'].get!;
    expect(op.summary).toBe('Read Items');
    expect(op.operationId).toBe('read_items_items__get');
    expect(op.responses).toEqual({ '200': ANY_JSON_200, '422': RESPONSE_422 });
    expect(op.parameters).toEqual([
      {
        description: 'Query string for the items to search in the database that have a good match',
        required: false,
        deprecated: true,
        schema: {
          anyOf: [{ type: 'string', minLength: 3, maxLength: 50, pattern: '^fixedquery$' }, { type: 'null' }],
          title: 'Query string',
          description: 'Query string for the items to search in the database that have a good match',
          deprecated: true,
        },
        name: 'item-query',
        in: 'query',
      },
    ]);
  });

  test('path_params tutorial002: an integer path parameter', () => {
    const op = doc([route('GET', '/items/{item_id}', 'read_item', [field('path', 'item_id', z.coerce.number().int())])])
      .paths!['/items/{item_id}'].get!;
    expect(op).toEqual({
      responses: { '200': ANY_JSON_200, '422': RESPONSE_422 },
      summary: 'Read Item',
      operationId: 'read_item_items__item_id__get',
      parameters: [{ required: true, schema: { title: 'Item Id', type: 'integer' }, name: 'item_id', in: 'path' }],
    });
  });

  test('header_params tutorial001: underscores become hyphens, title from the wire name', () => {
    const op = doc([route('GET', '/items/', 'read_items', [field('header', 'user_agent', z.string().nullable().optional())])])
      .paths!['/items/'].get!;
    expect(op.parameters).toEqual([
      { required: false, schema: { anyOf: [{ type: 'string' }, { type: 'null' }], title: 'User-Agent' }, name: 'user-agent', in: 'header' },
    ]);
  });

  test('request_forms tutorial001: form fields are embedded in Body_<operationId>', () => {
    const result = doc([
      route('POST', '/login/', 'login', [field('form', 'username', z.string()), field('form', 'password', z.string())]),
    ]);
    expect(result.paths!['/login/'].post!.requestBody).toEqual({
      content: {
        'application/x-www-form-urlencoded': { schema: { $ref: '#/components/schemas/Body_login_login__post' } },
      },
      required: true,
    });
    expect(result.components!.schemas!.Body_login_login__post).toEqual({
      title: 'Body_login_login__post',
      required: ['username', 'password'],
      type: 'object',
      properties: {
        username: { title: 'Username', type: 'string' },
        password: { title: 'Password', type: 'string' },
      },
    });
  });

  test('request_files tutorial001: a single file is embedded as a binary string', () => {
    const upload = z.custom<object>((v) => typeof v === 'object');
    const result = doc([
      route('POST', '/files/', 'create_file', [field('file', 'file', z.instanceof(Uint8Array))]),
      route('POST', '/uploadfile/', 'create_upload_file', [field('file', 'file', upload)]),
    ]);
    expect(result.paths!['/files/'].post!.requestBody).toEqual({
      content: { 'multipart/form-data': { schema: { $ref: '#/components/schemas/Body_create_file_files__post' } } },
      required: true,
    });
    for (const name of ['Body_create_file_files__post', 'Body_create_upload_file_uploadfile__post']) {
      expect(result.components!.schemas![name]).toEqual({
        title: name,
        required: ['file'],
        type: 'object',
        properties: { file: { title: 'File', type: 'string', contentMediaType: 'application/octet-stream' } },
      });
    }
  });

  test('a list of files is an array of binary strings; z.file() reads the same', () => {
    const result = doc([
      route('POST', '/files/', 'create_files', [
        field('file', 'files', z.array(z.custom<object>(() => true))),
        field('file', 'one', z.file()),
      ]),
    ]);
    expect(result.components!.schemas!.Body_create_files_files__post).toEqual({
      title: 'Body_create_files_files__post',
      required: ['files', 'one'],
      type: 'object',
      properties: {
        files: { title: 'Files', type: 'array', items: { type: 'string', contentMediaType: 'application/octet-stream' } },
        one: { title: 'One', type: 'string', contentMediaType: 'application/octet-stream' },
      },
    });
  });

  test('body_multiple_params: several bodies are embedded under their names', () => {
    const Item = named('Item', z.object({ name: z.string() }));
    const User = named('User', z.object({ username: z.string() }));
    const result = doc([
      route('PUT', '/items/{item_id}', 'update_item', [
        field('path', 'item_id', z.coerce.number().int()),
        field('body', 'item', Item),
        field('body', 'user', User),
        field('body', 'importance', z.number().int()),
      ]),
    ]);
    expect(result.components!.schemas!.Body_update_item_items__item_id__put).toEqual({
      title: 'Body_update_item_items__item_id__put',
      type: 'object',
      required: ['item', 'user', 'importance'],
      properties: {
        item: { $ref: '#/components/schemas/Item' },
        user: { $ref: '#/components/schemas/User' },
        importance: { title: 'Importance', type: 'integer' },
      },
    });
  });

  test('a single body with embed keeps its name; an optional body is not required', () => {
    const Item = named('Item', z.object({ name: z.string() }));
    const result = doc([
      route('PUT', '/a', 'embedded', [field('body', 'item', Item, { embed: true })]),
      route('PUT', '/b', 'optional', [field('body', 'item', Item.optional())]),
    ]);
    expect(result.paths!['/a'].put!.requestBody).toEqual({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Body_embedded_a_put' } } },
      required: true,
    });
    expect(result.paths!['/b'].put!.requestBody).toEqual({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } },
    });
  });
});

describe('operations', () => {
  test('camelCase handler names give FastAPI-style ids and title-cased summaries', () => {
    const r = route('GET', '/items/{item_id:int}', 'readItem', [field('path', 'item_id', z.coerce.number())]);
    expect(generateUniqueId(r)).toBe('readItem_items__item_id__get');
    const result = doc([r]);
    expect(Object.keys(result.paths!)).toEqual(['/items/{item_id}']);
    expect(result.paths!['/items/{item_id}'].get!.summary).toBe('Read Item');
    expect(result.paths!['/items/{item_id}'].get!.operationId).toBe('readItem_items__item_id__get');
  });

  test('summary, description, tags, deprecated and operationId options override the defaults', () => {
    const op = doc([
      route('GET', '/x', 'x', [], {
        summary: 'Custom',
        description: 'Long text',
        tags: ['items', 'admin'],
        deprecated: true,
        operationId: 'getX',
      }),
    ]).paths!['/x'].get!;
    expect(op).toEqual({
      tags: ['items', 'admin'],
      summary: 'Custom',
      description: 'Long text',
      operationId: 'getX',
      deprecated: true,
      responses: { '200': ANY_JSON_200 },
    });
  });

  test('an operation without parameters or body has no 422 and adds no components', () => {
    const result = doc([route('GET', '/', 'root')]);
    expect(result.paths!['/'].get!.responses).toEqual({ '200': ANY_JSON_200 });
    expect(result.components).toBeUndefined();
  });

  test('GET documents a body as FastAPI does; OPTIONS does not', () => {
    const body = [field('body', 'data', z.object({ a: z.string() }))];
    const result = doc([route('GET', '/g', 'g', body), route('OPTIONS', '/o', 'o', body)]);
    expect(result.paths!['/g'].get!.requestBody).toBeDefined();
    expect(result.paths!['/o'].options!.requestBody).toBeUndefined();
    expect(result.paths!['/o'].options!.responses!['422']).toEqual(RESPONSE_422);
  });

  test('routes sharing a path share one path item; non-API routes and hidden routes are skipped', () => {
    const result = doc([
      route('GET', '/items', 'list_items'),
      route('POST', '/items', 'create_item'),
      route('GET', '/hidden', 'hidden', [], { includeInSchema: false }),
      { path: '/static', app: () => undefined },
      null,
      'nonsense',
    ]);
    expect(Object.keys(result.paths!)).toEqual(['/items']);
    expect(Object.keys(result.paths!['/items'])).toEqual(['get', 'post']);
  });

  test('a route with several methods gets one operation per method, ids from the first method as FastAPI', () => {
    const r: OpenAPIRoute = { ...route('GET', '/m', 'multi'), methods: new Set(['GET', 'POST']) };
    const item = doc([r]).paths!['/m'];
    expect(item.get!.operationId).toBe('multi_m_get');
    expect(item.post!.operationId).toBe('multi_m_get');
  });

  test('a duplicate operationId emits a warning', () => {
    const warnings: string[] = [];
    const spy = jest.spyOn(process, 'emitWarning').mockImplementation(((message: string) => {
      warnings.push(message);
    }) as typeof process.emitWarning);
    try {
      doc([route('GET', '/a', 'a', [], { operationId: 'same' }), route('GET', '/b', 'b', [], { operationId: 'same' })]);
    } finally {
      spy.mockRestore();
    }
    expect(warnings).toEqual(['Duplicate Operation ID same for function b']);
  });

  test('openapiExtra is deep-merged into the operation', () => {
    const op = doc([
      route('POST', '/x', 'x', [], {
        openapiExtra: { 'x-aperture-labs-portal': 'blue', requestBody: { content: { 'application/x-yaml': { schema: { type: 'object' } } }, required: true } },
      }),
    ]).paths!['/x'].post!;
    expect(op['x-aperture-labs-portal']).toBe('blue');
    expect(op.requestBody).toEqual({ content: { 'application/x-yaml': { schema: { type: 'object' } } }, required: true });
  });

  test('callbacks are documented under the operation', () => {
    const callback = route('POST', '{$callback_url}/invoices/{$request.body.id}', 'invoice_notification', [
      field('body', 'body', named('InvoiceEvent', z.object({ description: z.string(), paid: z.boolean() }))),
    ]);
    const op = doc([route('POST', '/invoices/', 'create_invoice', [], { callbacks: [callback] })]).paths!['/invoices/'].post!;
    expect(Object.keys(op.callbacks!)).toEqual(['invoice_notification']);
    expect(op.callbacks!.invoice_notification['{$callback_url}/invoices/{$request.body.id}'].post!.requestBody).toEqual({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/InvoiceEvent' } } },
      required: true,
    });
  });
});

describe('parameters', () => {
  test('parameters come from the whole dependency tree, each dependency once, required declarations winning', () => {
    const common = dependant('common', [
      field('query', 'q', z.string().optional()),
      field('query', 'skip', z.coerce.number().int().default(0)),
      field('query', 'limit', z.coerce.number().int().default(100)),
    ]);
    const verify = dependant('verify_token', [field('header', 'x_token', z.string())]);
    const handler = dependant('read_items', [field('query', 'q', z.string())], { dependencies: [common, verify, common] });
    const op = doc([{ path: '/items/', methods: ['GET'], name: 'read_items', dependant: handler }]).paths!['/items/'].get!;
    expect(op.parameters).toEqual([
      { name: 'q', in: 'query', required: true, schema: { title: 'Q', type: 'string' } },
      { name: 'skip', in: 'query', required: false, schema: { title: 'Skip', type: 'integer', default: 0 } },
      { name: 'limit', in: 'query', required: false, schema: { title: 'Limit', type: 'integer', default: 100 } },
      { name: 'x-token', in: 'header', required: true, schema: { title: 'X-Token', type: 'string' } },
    ]);
  });

  test('includeInSchema: false hides a parameter but still earns the 422 response', () => {
    const op = doc([route('GET', '/x', 'x', [field('query', 'secret', z.string(), { includeInSchema: false })])]).paths!['/x'].get!;
    expect(op.parameters).toBeUndefined();
    expect(op.responses!['422']).toEqual(RESPONSE_422);
  });

  test('cookie parameters, examples, enums and openapiExamples', () => {
    const op = doc([
      route('GET', '/x', 'x', [
        field('cookie', 'ads_id', z.string().optional()),
        field('query', 'kind', z.enum(['alexnet', 'resnet', 'lenet']), { examples: ['resnet'] }),
        Object.assign(field('query', 'page', z.coerce.number().int().min(1)), {
          openapiExamples: { first: { summary: 'First page', value: 1 } },
        }),
      ]),
    ]).paths!['/x'].get!;
    expect(op.parameters).toEqual([
      { name: 'kind', in: 'query', required: true, schema: { title: 'Kind', type: 'string', enum: ['alexnet', 'resnet', 'lenet'], examples: ['resnet'] } },
      {
        name: 'page',
        in: 'query',
        required: true,
        schema: { title: 'Page', type: 'integer', minimum: 1 },
        examples: { first: { summary: 'First page', value: 1 } },
      },
      { name: 'ads_id', in: 'cookie', required: false, schema: { title: 'Ads Id', type: 'string' } },
    ]);
  });

  test('a query parameter model stands for one parameter per field (FastAPI query parameter models)', () => {
    const filter = z.object({ limit: z.coerce.number().int().default(100), order_by: z.enum(['created_at', 'updated_at']), tags: z.array(z.string()).optional() });
    const headers = z.object({ x_tag: z.string() });
    const op = doc([route('GET', '/items/', 'read_items', [field('query', 'filter', filter), field('header', 'headers', headers)])]).paths!['/items/'].get!;
    expect(op.parameters).toEqual([
      { name: 'limit', in: 'query', required: false, schema: { title: 'Limit', type: 'integer', default: 100 } },
      { name: 'order_by', in: 'query', required: true, schema: { title: 'Order By', type: 'string', enum: ['created_at', 'updated_at'] } },
      { name: 'tags', in: 'query', required: false, schema: { title: 'Tags', type: 'array', items: { type: 'string' } } },
      { name: 'x-tag', in: 'header', required: true, schema: { title: 'X-Tag', type: 'string' } },
    ]);
  });
});

describe('responses', () => {
  const Item = named('Item', z.object({ id: z.string(), value: z.string() }));
  const Message = named('Message', z.object({ message: z.string() }));

  test('the response model (output mode) under the status code, with FastAPI response titles', () => {
    const result = doc([
      route('GET', '/items/', 'read_items', [], { responseModel: z.array(Item), statusCode: 201, responseDescription: 'The items' }),
    ]);
    expect(result.paths!['/items/'].get!.responses).toEqual({
      '201': {
        description: 'The items',
        content: {
          'application/json': {
            schema: { type: 'array', items: { $ref: '#/components/schemas/Item' }, title: 'Response Read Items Items  Get' },
          },
        },
      },
    });
  });

  test('additional responses: model, default description from the status, merged content, default key', () => {
    const op = doc([
      route('GET', '/items/{item_id}', 'read_item', [field('path', 'item_id', z.string())], {
        responseModel: Item,
        responses: {
          404: { model: Message },
          200: { content: { 'image/png': {} }, description: 'Return the JSON item or an image.' },
          '5xx': { description: 'Server trouble' },
          default: { model: Message },
        },
      }),
    ]).paths!['/items/{item_id}'].get!;
    expect(op.responses).toEqual({
      '200': {
        description: 'Return the JSON item or an image.',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } }, 'image/png': {} },
      },
      '404': { description: 'Not Found', content: { 'application/json': { schema: { $ref: '#/components/schemas/Message' } } } },
      '5XX': { description: 'Server trouble' },
      default: { description: 'Default Response', content: { 'application/json': { schema: { $ref: '#/components/schemas/Message' } } } },
    });
    // a `default` response already covers validation errors: no 422 is added
    expect(op.responses!['422']).toBeUndefined();
  });

  test('an unknown additional status gets "Additional Response"; a non-object entry is rejected', () => {
    const op = doc([route('GET', '/x', 'x', [], { responses: { 299: {} } })]).paths!['/x'].get!;
    expect(op.responses!['299']).toEqual({ description: 'Additional Response' });
    const broken = () => doc([route('GET', '/x', 'x', [], { responses: { 404: 'nope' as never } })]);
    expect(broken).toThrow(DeclarationError);
    expect(broken).toThrow('x: the additional response for status 404 must be an object (an OpenAPI Response Object, optionally with "model"), got string');
    try {
      broken();
    } catch (error) {
      expect((error as DeclarationError).code).toBe('invalid_declaration');
    }
  });

  test('204 documents no content; an HTML response class documents a string; a bare Response no content', () => {
    class HTMLResponse {
      static defaultMediaType: string | null = 'text/html';
    }
    class PlainResponse {
      static defaultMediaType: string | null = null;
    }
    const result = doc([
      route('DELETE', '/a', 'a', [], { statusCode: 204 }),
      route('GET', '/b', 'b', [], { responseClass: HTMLResponse }),
      route('GET', '/c', 'c', [], { responseClass: PlainResponse }),
    ]);
    expect(result.paths!['/a'].delete!.responses).toEqual({ '204': { description: 'Successful Response' } });
    expect(result.paths!['/b'].get!.responses).toEqual({
      '200': { description: 'Successful Response', content: { 'text/html': { schema: { type: 'string' } } } },
    });
    expect(result.paths!['/c'].get!.responses).toEqual({ '200': { description: 'Successful Response' } });
  });

  test('starlette-ts response classes: redirects document 307, streams and plain text their media type', () => {
    const result = doc([
      route('GET', '/r', 'r', [], { responseClass: RedirectResponse }),
      route('GET', '/s', 's', [], { responseClass: StreamingResponse }),
      route('GET', '/t', 't', [], { responseClass: PlainTextResponse }),
      route('GET', '/h', 'h', [], { responseClass: HTMLResponse, statusCode: 201 }),
    ]);
    expect(result.paths!['/r'].get!.responses).toEqual({ '307': { description: 'Successful Response' } });
    expect(result.paths!['/s'].get!.responses).toEqual({ '200': { description: 'Successful Response' } });
    expect(result.paths!['/t'].get!.responses).toEqual({
      '200': { description: 'Successful Response', content: { 'text/plain': { schema: { type: 'string' } } } },
    });
    expect(result.paths!['/h'].get!.responses).toEqual({
      '201': { description: 'Successful Response', content: { 'text/html': { schema: { type: 'string' } } } },
    });
  });
});

describe('schemas', () => {
  test('Name-Input / Name-Output only for a model used both ways whose schemas differ', () => {
    const WithDefault = named('WithDefault', z.object({ name: z.string(), tax: z.number().default(10.5) }));
    const Same = named('Same', z.object({ name: z.string() }));
    const result = doc([
      route('POST', '/a', 'a', [field('body', 'item', WithDefault)], { responseModel: WithDefault }),
      route('POST', '/b', 'b', [field('body', 'item', Same)], { responseModel: Same }),
    ]);
    const schemas = result.components!.schemas!;
    expect(Object.keys(schemas).sort()).toEqual(['HTTPValidationError', 'Same', 'ValidationError', 'WithDefault-Input', 'WithDefault-Output']);
    expect(schemas['WithDefault-Input']).toEqual({
      title: 'WithDefault',
      type: 'object',
      properties: { name: { title: 'Name', type: 'string' }, tax: { title: 'Tax', type: 'number', default: 10.5 } },
      required: ['name'],
    });
    expect(schemas['WithDefault-Output']).toEqual({
      title: 'WithDefault',
      type: 'object',
      properties: { name: { title: 'Name', type: 'string' }, tax: { title: 'Tax', type: 'number', default: 10.5 } },
      required: ['name', 'tax'],
    });
    expect(result.paths!['/a'].post!.requestBody).toEqual({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/WithDefault-Input' } } },
      required: true,
    });
    expect(result.paths!['/a'].post!.responses!['200']).toEqual({
      description: 'Successful Response',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/WithDefault-Output' } } },
    });
  });

  test('body_nested_models tutorial004: an optional model field has no title, a list of models has one', () => {
    const Image = named('Image', z.object({ url: z.string(), name: z.string() }));
    const Item = named('Item', z.object({
      name: z.string(),
      tags: z.array(z.string()).default([]),
      image: Image.nullable().optional(),
      images: z.array(Image).nullable().optional(),
      main: Image.describe('The main image'),
    }));
    const result = doc([route('PUT', '/items/{item_id}', 'update_item', [field('path', 'item_id', z.coerce.number().int()), field('body', 'item', Item)])]);
    expect((result.components!.schemas!.Item as { properties: unknown }).properties).toEqual({
      name: { title: 'Name', type: 'string' },
      tags: { title: 'Tags', default: [], type: 'array', items: { type: 'string' } },
      image: { anyOf: [{ $ref: '#/components/schemas/Image' }, { type: 'null' }] },
      images: { title: 'Images', anyOf: [{ type: 'array', items: { $ref: '#/components/schemas/Image' } }, { type: 'null' }] },
      main: { $ref: '#/components/schemas/Image', description: 'The main image' },
    });
  });

  test('a model only used as input keeps its plain name even when its output form would differ', () => {
    const Item = named('Item', z.object({ tax: z.number().default(1) }));
    const result = doc([route('POST', '/a', 'a', [field('body', 'item', Item)])]);
    expect(Object.keys(result.components!.schemas!)).toContain('Item');
  });

  test('a model that nests a model which splits splits too', () => {
    const Image = named('Image', z.object({ url: z.string(), width: z.number().default(100) }));
    const Offer = named('Offer', z.object({ name: z.string(), images: z.array(Image) }));
    const result = doc([route('POST', '/offers', 'create_offer', [field('body', 'offer', Offer)], { responseModel: Offer })]);
    const schemas = result.components!.schemas!;
    expect(Object.keys(schemas).filter((k) => !k.includes('ValidationError')).sort()).toEqual([
      'Image-Input',
      'Image-Output',
      'Offer-Input',
      'Offer-Output',
    ]);
    expect((schemas['Offer-Input'] as { properties: Record<string, unknown> }).properties.images).toEqual({
      title: 'Images',
      type: 'array',
      items: { $ref: '#/components/schemas/Image-Input' },
    });
    expect((schemas['Offer-Output'] as { properties: Record<string, unknown> }).properties.images).toEqual({
      title: 'Images',
      type: 'array',
      items: { $ref: '#/components/schemas/Image-Output' },
    });
  });

  test('separateInputOutputSchemas: false describes everything in input mode under one name', () => {
    const Item = named('Item', z.object({ tax: z.number().default(1) }));
    const result = doc([route('POST', '/a', 'a', [field('body', 'item', Item)], { responseModel: Item })], {
      separateInputOutputSchemas: false,
    });
    expect(result.components!.schemas!.Item).toEqual({
      title: 'Item',
      type: 'object',
      properties: { tax: { title: 'Tax', type: 'number', default: 1 } },
    });
  });

  test('a model class (static modelName + schema) is named by its modelName', () => {
    class Pet {
      static modelName = 'Pet';
      static schema = z.object({ kind: z.enum(['cat', 'dog']), born: z.date(), big: z.bigint(), strict: z.strictObject({ a: z.string() }) });
    }
    const result = doc([route('GET', '/pet', 'pet', [], { responseModel: Pet })]);
    expect(result.components!.schemas!.Pet).toEqual({
      title: 'Pet',
      type: 'object',
      properties: {
        kind: { title: 'Kind', type: 'string', enum: ['cat', 'dog'] },
        born: { title: 'Born', type: 'string', format: 'date-time' },
        big: { title: 'Big', type: 'integer', format: 'int64' },
        strict: { title: 'Strict', type: 'object', properties: { a: { title: 'A', type: 'string' } }, required: ['a'], additionalProperties: false },
      },
      required: ['kind', 'born', 'big', 'strict'],
    });
  });

  test('two different schemas with one name get distinct component names; odd names are sanitised', () => {
    const A = named('Thing', z.object({ a: z.string() }));
    const B = named('Thing', z.object({ b: z.string() }));
    const C = named('my model/v1', z.object({ c: z.string() }));
    const result = doc([route('GET', '/x', 'x', [], { responseModel: z.object({ a: A, b: B, c: C }) })]);
    expect(Object.keys(result.components!.schemas!).sort()).toEqual(['Thing', 'Thing2', 'my_model_v1']);
    expect(validateOpenapi(result).valid).toBe(true);
  });

  test('recursive schemas become components and refer to themselves', () => {
    const Category = named('Category', z.object({ name: z.string(), get children(): z.ZodArray<typeof Category> { return z.array(Category); } }));
    const Anonymous = z.object({ value: z.number(), get next(): z.ZodOptional<typeof Anonymous> { return Anonymous.optional(); } });
    const result = doc([route('GET', '/c', 'c', [], { responseModel: Category }), route('GET', '/a', 'a', [], { responseModel: Anonymous })]);
    const schemas = result.components!.schemas!;
    expect((schemas.Category as { properties: Record<string, unknown> }).properties.children).toEqual({
      title: 'Children',
      type: 'array',
      items: { $ref: '#/components/schemas/Category' },
    });
    expect(Object.keys(schemas).sort()).toEqual(['Category', 'Schema']);
    expect(result.paths!['/a'].get!.responses!['200']).toEqual({
      description: 'Successful Response',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Schema' } } },
    });
    expect(validateOpenapi(result)).toEqual({ valid: true, version: '3.1', errors: null });
  });

  test('unions, literals, tuples, records and transforms', () => {
    const schema = z.object({
      u: z.union([z.string(), z.number()]),
      d: z.discriminatedUnion('kind', [z.object({ kind: z.literal('a'), a: z.string() }), z.object({ kind: z.literal('b'), b: z.number() })]),
      lit: z.literal('x'),
      t: z.tuple([z.string(), z.number()]),
      r: z.record(z.string(), z.number()),
      tr: z.string().transform((s) => s.length),
    });
    const result = doc([route('POST', '/x', 'x', [field('body', 'data', schema)], { responseModel: schema })]);
    const input = (result.paths!['/x'].post!.requestBody as { content: Record<string, { schema: { properties: Record<string, unknown> } }> })
      .content['application/json'].schema.properties;
    expect(input.u).toEqual({ title: 'U', anyOf: [{ type: 'string' }, { type: 'number' }] });
    expect(input.lit).toEqual({ title: 'Lit', type: 'string', const: 'x' });
    expect(input.tr).toEqual({ title: 'Tr', type: 'string' });
    const output = (result.paths!['/x'].post!.responses!['200'] as unknown as { content: Record<string, { schema: { properties: Record<string, unknown> } }> })
      .content['application/json'].schema.properties;
    // a transform's output cannot be described: any value
    expect(output.tr).toEqual({ title: 'Tr' });
    expect(validateOpenapi(result).valid).toBe(true);
  });
});

describe('SchemaGenerator', () => {
  test('generate() after finalize() is refused with a stable code', () => {
    const generator = new SchemaGenerator();
    generator.generate(z.string(), 'input');
    expect(generator.finalize()).toEqual({});
    let caught: unknown;
    try {
      generator.generate(z.string(), 'input');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FastAPIError);
    expect((caught as FastAPIError).code).toBe('openapi_generator_finalized');
  });
});

describe('zod types', () => {
  test('every zod type converts without throwing; what JSON cannot carry becomes "any value"', () => {
    const everything = z.object({
      big: z.bigint(),
      sym: z.symbol().optional(),
      fn: z.function().optional(),
      map: z.map(z.string(), z.number()).optional(),
      set: z.set(z.string()).optional(),
      any: z.any(),
      unknown: z.unknown(),
      nul: z.null(),
      when: z.date().default(new Date(0)),
      lazy: z.lazy(() => z.string()),
      inter: z.intersection(z.object({ a: z.string() }), z.object({ b: z.number() })),
      caught: z.string().catch('x'),
      frozen: z.string().readonly(),
      nullish: z.string().nullish(),
      emails: z.array(z.email()).min(1),
      range: z.number().gt(0).lt(10).multipleOf(2),
    });
    const result = doc([route('POST', '/x', 'x', [field('body', 'data', everything, { examples: [{ big: 12n, huge: 2n ** 70n }] })], { responseModel: everything })]);
    const input = (result.paths!['/x'].post!.requestBody as unknown as { content: Record<string, { schema: { properties: Record<string, unknown>; examples: unknown[] } }> })
      .content['application/json'].schema;
    expect(input.properties.big).toEqual({ title: 'Big', type: 'integer', format: 'int64' });
    expect(input.properties.sym).toEqual({ title: 'Sym' });
    expect(input.properties.when).toEqual({ title: 'When', type: 'string', format: 'date-time', default: '1970-01-01T00:00:00.000Z' });
    expect(input.properties.frozen).toEqual({ title: 'Frozen', type: 'string' });
    expect(input.properties.nullish).toEqual({ title: 'Nullish', anyOf: [{ type: 'string' }, { type: 'null' }] });
    expect(input.properties.range).toEqual({ title: 'Range', type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 10, multipleOf: 2 });
    expect(input.examples).toEqual([{ big: 12, huge: '1180591620717411303424' }]);
    expect(validateOpenapi(result)).toEqual({ valid: true, version: '3.1', errors: null });
  });
});

describe('document', () => {
  test('security requirements become securitySchemes and operation security, scopes merged', () => {
    const oauth2 = {
      type: 'oauth2',
      flows: { password: { tokenUrl: 'token', scopes: { me: 'Read me', items: 'Read items' } } },
    };
    const scheme = (scopes: string[]) => dependant('oauth2_scheme', [], {
      securityRequirements: [{ schemeName: 'OAuth2PasswordBearer', scheme: oauth2, scopes }],
    });
    const apiKey = dependant('api_key', [], {
      securityRequirements: [{ schemeName: 'APIKeyHeader', scheme: { type: 'apiKey', in: 'header', name: 'X-API-Key' }, scopes: [] }],
    });
    const handler = dependant('read_own_items', [], { dependencies: [scheme(['me']), scheme(['items', 'me']), apiKey] });
    const result = doc([{ path: '/users/me/items/', methods: ['GET'], name: 'read_own_items', dependant: handler }]);
    expect(result.paths!['/users/me/items/'].get!.security).toEqual([{ OAuth2PasswordBearer: ['me', 'items'] }, { APIKeyHeader: [] }]);
    expect(result.components!.securitySchemes).toEqual({
      OAuth2PasswordBearer: oauth2,
      APIKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
    });
  });

  test('info, servers, tags, externalDocs and webhooks', () => {
    const Subscription = named('Subscription', z.object({ username: z.string(), monthly_fee: z.number(), start_date: z.date() }));
    const result = getOpenapi({
      title: 'ChimichangApp',
      version: '0.0.1',
      summary: 'Deadpool favourite app',
      description: 'It does **awesome things**',
      termsOfService: 'http://example.com/terms/',
      contact: { name: 'Deadpoolio', url: 'http://x-force.example.com/contact/', email: 'dp@x-force.example.com' },
      license: { name: 'Apache 2.0', identifier: 'Apache-2.0' },
      servers: [{ url: '/api/v1' }],
      tags: [{ name: 'users', description: 'Operations with users' }],
      externalDocs: { description: 'More', url: 'https://example.com/docs' },
      routes: [],
      webhooks: [route('POST', 'new-subscription', 'new_subscription', [field('body', 'body', Subscription)])],
    });
    expect(result.info).toEqual({
      title: 'ChimichangApp',
      version: '0.0.1',
      summary: 'Deadpool favourite app',
      description: 'It does **awesome things**',
      termsOfService: 'http://example.com/terms/',
      contact: { name: 'Deadpoolio', url: 'http://x-force.example.com/contact/', email: 'dp@x-force.example.com' },
      license: { name: 'Apache 2.0', identifier: 'Apache-2.0' },
    });
    expect(result.servers).toEqual([{ url: '/api/v1' }]);
    expect(result.paths).toEqual({});
    expect(result.tags).toEqual([{ name: 'users', description: 'Operations with users' }]);
    expect(result.externalDocs).toEqual({ description: 'More', url: 'https://example.com/docs' });
    expect(result.webhooks!['new-subscription'].post!.operationId).toBe('new_subscriptionnew_subscription_post');
    expect(validateOpenapi(result)).toEqual({ valid: true, version: '3.1', errors: null });
  });

  test('a document that uses every parameter kind, nested models, arrays, enums, unions, nullables, defaults and examples validates as OpenAPI 3.1', () => {
    const Image = named('Image', z.object({ url: z.string().url(), name: z.string() }));
    const Item = named('Item', z.object({
      name: z.string().min(1).describe('The item name'),
      description: z.string().nullable().optional(),
      price: z.number().positive(),
      tax: z.number().default(10.5),
      tags: z.array(z.string()).default([]),
      kind: z.enum(['food', 'tool']).meta({ examples: ['food'] }),
      size: z.union([z.number().int(), z.enum(['S', 'M', 'L'])]).nullable(),
      image: Image.nullable().optional(),
      images: z.array(Image).optional(),
      created: z.date().optional(),
    }));
    const result = doc([
      route('GET', '/items/{item_id}', 'read_item', [
        field('path', 'item_id', z.coerce.number().int().min(1), { description: 'The id', examples: [42] }),
        field('query', 'q', z.string().nullable().optional(), { deprecated: true }),
        field('query', 'ids', z.array(z.coerce.number()).default([])),
        field('header', 'x_token', z.string()),
        field('cookie', 'session', z.string().optional()),
      ], { responseModel: Item, tags: ['items'] }),
      route('PUT', '/items/{item_id}', 'update_item', [
        field('path', 'item_id', z.coerce.number().int()),
        field('body', 'item', Item, { examples: [{ name: 'Foo', price: 1, kind: 'food', size: null }] }),
        field('body', 'importance', z.number().int().default(1)),
      ], { responseModel: Item, responses: { 404: { model: named('Message', z.object({ detail: z.string() })) } } }),
      route('POST', '/upload', 'upload', [field('file', 'file', z.file()), field('form', 'note', z.string().default(''))]),
      route('POST', '/login', 'login', [field('form', 'username', z.string()), field('form', 'password', z.string())]),
    ], { tags: [{ name: 'items' }], servers: [{ url: '/api' }] });
    expect(validateOpenapi(result)).toEqual({ valid: true, version: '3.1', errors: null });
    expect(Object.keys(result.components!.schemas!)).toEqual([
      'Body_login_login_post',
      'Body_update_item_items__item_id__put',
      'Body_upload_upload_post',
      'HTTPValidationError',
      'Image',
      'Item-Input',
      'Item-Output',
      'Message',
      'ValidationError',
    ]);
    expect(result.paths!['/items/{item_id}'].get!.parameters![0]).toEqual({
      name: 'item_id',
      in: 'path',
      required: true,
      description: 'The id',
      schema: { title: 'Item Id', type: 'integer', minimum: 1, description: 'The id', examples: [42] },
    });
    expect(result.paths!['/upload'].post!.requestBody).toEqual({
      content: { 'multipart/form-data': { schema: { $ref: '#/components/schemas/Body_upload_upload_post' } } },
      required: true,
    });
  });

  test('the validator rejects a broken document (the validation test can fail)', () => {
    const result = doc([route('GET', '/x', 'x')]) as unknown as Record<string, unknown>;
    delete (result as { info?: unknown }).info;
    expect(validateOpenapi(result).valid).toBe(false);
  });
});
