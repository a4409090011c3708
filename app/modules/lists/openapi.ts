/** OpenAPI 3.1 description of Waihu's REST API (grows with every /api/v1 route). */
export function openApiDocument() {
  const fieldError = {
    type: 'object',
    required: ['field', 'code'],
    properties: { field: { type: 'string' }, code: { type: 'string', example: 'phone.invalid' }, params: { type: 'object' } },
  };
  const jsonBody = (schema: object) => ({ required: true, content: { 'application/json': { schema } } });
  const projectParameter = { name: 'projectId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
  const keyErrors = {
    '401': { description: 'No key, or an invalid or revoked key' },
    '403': { description: 'The key belongs to another project or lacks the scope' },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Waihu API',
      version: '1',
      description:
        'Push contacts into a project. Authenticate with a project API key (配置 → project → API keys): `Authorization: Bearer wh_…`.',
    },
    servers: [{ url: '/api/v1' }],
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'A project API key with the needed scope.' } },
      schemas: {
        Contact: {
          type: 'object',
          description: "The project's template field keys as properties (name and phone are required), plus optional tags.",
          required: ['name', 'phone'],
          properties: {
            externalId: { type: 'string', description: 'Your id; a contact with an id already imported is not added again.' },
            name: { type: 'string' },
            phone: { type: 'string', example: '+86 138 0013 8000' },
            tags: { type: 'array', items: { type: 'string', maxLength: 30 }, maxItems: 50 },
          },
          additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
        },
        FieldError: fieldError,
      },
    },
    security: [{ apiKey: [] }],
    paths: {
      '/projects/{projectId}/calls': {
        post: {
          summary:
            'Click-to-call: connect a named agent to a contact or a number (scope calls.create; a number also calls.number)',
          description:
            "The call goes through the compliance gate (DNC, calling hours in the contact's time zone, attempt limits, consent) and rings through to the agent, who must be signed in and not on a call. " +
            'With `webhookUrl`, `call.ended` and `call.wrappedUp` are POSTed there with `X-Waihu-Timestamp` and `X-Waihu-Signature: sha256=<HMAC-SHA256 of "<timestamp>.<body>">`, ' +
            'keyed with the hex SHA-256 of your API key; retried with backoff.',
          parameters: [projectParameter],
          requestBody: jsonBody({
            type: 'object',
            required: ['agent'],
            properties: {
              agent: { type: 'string', description: "The agent's login" },
              contactId: { type: 'string', pattern: '^\\d+$' },
              externalId: { type: 'string' },
              phone: { type: 'string', description: 'Needs the calls.number scope' },
              taskId: { type: 'string', format: 'uuid', description: "One of the agent's running tasks of this project" },
              webhookUrl: { type: 'string', format: 'uri' },
            },
          }),
          responses: {
            '202': {
              description: 'Queued for the dialer',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      attemptId: { type: 'string', format: 'uuid' },
                      taskId: { type: 'string' },
                      status: { type: 'string' },
                    },
                  },
                },
              },
            },
            '400': { description: 'Not exactly one of contactId, externalId, phone; or an invalid number' },
            '404': { description: 'No such agent or contact' },
            '409': { description: 'The agent is on a call or not available' },
            '422': { description: 'Refused by the compliance gate (`reason`), or the agent has no running task of the project' },
            ...keyErrors,
          },
        },
      },
      '/projects/{projectId}/dnc': {
        post: {
          summary: 'Record do-not-call numbers or phone tokens for the project (scope dnc.write)',
          description:
            'Answered only after the entries are committed. Contacts with these numbers are marked at once and never dialled. ' +
            'Contacts you pushed with a `phoneToken` (no number) are blocked by sending the same token, and the same `phoneHash` if you sent one; ' +
            'a token with its hash is recorded as two entries, so it matches the contact however it was pushed. 1 to 10 000 numbers and tokens in all.',
          parameters: [projectParameter],
          requestBody: jsonBody({
            type: 'object',
            properties: {
              phones: { type: 'array', maxItems: 10000, items: { type: 'string' } },
              tokens: {
                type: 'array',
                maxItems: 10000,
                items: {
                  type: 'object',
                  required: ['phoneToken'],
                  properties: {
                    phoneToken: { type: 'string', maxLength: 200 },
                    phoneHash: { type: 'string', maxLength: 200, description: "Your system's own hash of the number" },
                  },
                },
              },
              note: { type: 'string', maxLength: 200 },
            },
          }),
          responses: {
            '200': {
              description: 'Counts of entries, and the numbers that could not be read',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      added: { type: 'integer' },
                      already: { type: 'integer' },
                      contactsMarked: { type: 'integer' },
                      invalid: {
                        type: 'array',
                        items: { type: 'object', properties: { value: { type: 'string' }, reason: { type: 'string' } } },
                      },
                    },
                  },
                },
              },
            },
            '400': { description: 'Neither phones nor tokens, or more than 10 000' },
            ...keyErrors,
          },
        },
      },
      '/projects/{projectId}/contacts': {
        post: {
          summary: 'Push contacts (scope contacts.write)',
          description:
            'Validated like a file import: phones normalised, duplicates (by phone or externalId) skipped, do-not-call numbers marked. Idempotent: repeating a request adds nothing.',
          parameters: [projectParameter],
          requestBody: jsonBody({
            type: 'object',
            required: ['contacts'],
            properties: {
              contacts: { type: 'array', minItems: 1, maxItems: 10000, items: { $ref: '#/components/schemas/Contact' } },
            },
          }),
          responses: {
            '200': {
              description: 'What happened to each item',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      importId: { type: 'string', format: 'uuid' },
                      accepted: { type: 'integer' },
                      updated: { type: 'integer' },
                      duplicates: { type: 'integer' },
                      rejected: { type: 'integer' },
                      errors: {
                        type: 'array',
                        items: {
                          type: 'object',
                          properties: {
                            index: { type: 'integer', description: 'Position in `contacts`' },
                            externalId: { type: ['string', 'null'] },
                            errors: { type: 'array', items: { $ref: '#/components/schemas/FieldError' } },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
            '400': { description: 'The body is not {"contacts": [...]} with 1 to 10 000 items' },
            ...keyErrors,
          },
        },
      },
    },
  };
}
