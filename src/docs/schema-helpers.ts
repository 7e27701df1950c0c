import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/** A closed object schema: every listed property is required unless named in `optional`; no others allowed. */
export function closedObject(properties: Record<string, SchemaObject>, optional: string[] = []): SchemaObject {
  return {
    type: 'object',
    properties,
    required: Object.keys(properties).filter((name) => !optional.includes(name)),
    additionalProperties: false,
  };
}

export const nullable = (schema: SchemaObject): SchemaObject => ({ ...schema, nullable: true });
export const str: SchemaObject = { type: 'string' };
export const int: SchemaObject = { type: 'integer' };
export const bool: SchemaObject = { type: 'boolean' };
export const dateTime: SchemaObject = { type: 'string', format: 'date-time' };
export const arrayOf = (items: SchemaObject): SchemaObject => ({ type: 'array', items });

/** Documents the error statuses a route can answer, all in the dialect's one error shape. */
export function ApiErrors(schema: SchemaObject, statuses: Record<number, string>) {
  return applyDecorators(...Object.entries(statuses).map(([status, description]) => ApiResponse({ status: Number(status), description, schema })));
}
