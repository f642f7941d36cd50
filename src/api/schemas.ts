/** JSON schemas of the API's bodies, queries and replies (fastify validates with them; the OpenAPI document). */

export const errorSchema = {
  type: "object",
  properties: {
    error: { type: "string" },
    errors: {
      type: "array",
      items: {
        type: "object",
        properties: { line: { type: "integer" }, column: { type: "integer" }, message: { type: "string" } },
      },
    },
  },
  required: ["error"],
} as const;

const countsSchema = {
  type: "object",
  properties: {
    created: { type: "integer" },
    active: { type: "integer" },
    succeeded: { type: "integer" },
    failed: { type: "integer" },
    aborted: { type: "integer" },
  },
} as const;

const nullableString = { type: ["string", "null"] } as const;

export const jobSchema = {
  type: "object",
  additionalProperties: true,
  properties: {
    id: { type: "string" },
    name: { type: "string" },
    status: { type: "string", enum: ["running", "stopping", "succeeded", "failed", "stopped"] },
    created_at: { type: "string" },
    started_at: nullableString,
    ended_at: nullableString,
    args: { type: "array", items: { type: "string" } },
    scenario: { type: "string" },
    exit_code: { type: ["integer", "null"] },
    signal: nullableString,
    reason: nullableString,
    log_tail: nullableString,
    counts: countsSchema,
    files: { type: "array", items: { type: "string" } },
  },
} as const;

export const createJobBody = {
  type: "object",
  additionalProperties: false,
  required: ["args"],
  properties: {
    name: { type: "string", maxLength: 200 },
    args: { type: "array", maxItems: 500, items: { type: "string", maxLength: 4096 } },
    scenario_xml: { type: "string" },
  },
} as const;

export const validateBody = {
  type: "object",
  additionalProperties: false,
  required: ["scenario_xml"],
  properties: { scenario_xml: { type: "string" }, webrtc: { type: "boolean" } },
} as const;

export const idParams = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9._-]*$" } },
} as const;

export const recordsQuery = {
  type: "object",
  additionalProperties: false,
  properties: {
    result: { type: "string", enum: ["success", "failure"] },
    failure_class: { type: "string" },
    call_id: { type: "string" },
    offset: { type: "integer", minimum: 0, default: 0 },
    limit: { type: "integer", minimum: 1, maximum: 1000, default: 100 },
  },
} as const;

export const anyObject = { type: "object", additionalProperties: true } as const;
