/**
 * Shared by the OpenAPI tests (fastapi-ts's and the demo's): a real OpenAPI 3.1
 * validator, and FastAPI's validation-error components as FastAPI writes them.
 */
import { execFileSync } from 'node:child_process';

/** Runs @seriousme/openapi-schema-validator (ESM only) in a child process. */
export function validateOpenapi(doc: unknown): { valid: boolean; version: string; errors: unknown } {
  const script = `
    import { Validator } from '@seriousme/openapi-schema-validator';
    let input = ''; for await (const chunk of process.stdin) input += chunk;
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(input));
    process.stdout.write(JSON.stringify({ valid: result.valid, version: validator.version, errors: result.errors ?? null }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: __dirname, input: JSON.stringify(doc) });
  return JSON.parse(out.toString()) as { valid: boolean; version: string; errors: unknown };
}

/** `components.schemas.ValidationError`. */
export const VALIDATION_ERROR = {
  title: 'ValidationError',
  required: ['loc', 'msg', 'type'],
  type: 'object',
  properties: {
    loc: { title: 'Location', type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'integer' }] } },
    msg: { title: 'Message', type: 'string' },
    type: { title: 'Error Type', type: 'string' },
    input: { title: 'Input' },
    ctx: { title: 'Context', type: 'object' },
  },
};

/** `components.schemas.HTTPValidationError`. */
export const HTTP_VALIDATION_ERROR = {
  title: 'HTTPValidationError',
  type: 'object',
  properties: { detail: { title: 'Detail', type: 'array', items: { $ref: '#/components/schemas/ValidationError' } } },
};

/** The `422` response of an operation with parameters or a body. */
export const RESPONSE_422 = {
  description: 'Validation Error',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/HTTPValidationError' } } },
};
