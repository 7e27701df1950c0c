import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { ValidateBy, ValidationArguments } from 'class-validator';

/**
 * One class-validator rule per field that words its failure the way Nexterm's clients see it
 * (`name is required`, `name length must be at least 3 characters long`, ...), one message per field.
 */
export type FieldSpec =
  | { kind: 'string'; required?: boolean; min?: number; max?: number; alphanum?: boolean; hex?: boolean; length?: number; pattern?: RegExp; patternMessage?: string; allowEmpty?: boolean; allowNull?: boolean }
  | { kind: 'integer'; required?: boolean; min?: number; max?: number }
  | { kind: 'boolean'; required?: boolean }
  | { kind: 'enum'; required?: boolean; values: readonly string[] }
  | { kind: 'object'; required?: boolean };

export function checkField(spec: FieldSpec, value: unknown, key: string): string | null {
  if (value === undefined) return spec.required ? `${key} is required` : null;
  switch (spec.kind) {
    case 'string': {
      if (value === null && spec.allowNull) return null;
      if (typeof value !== 'string') return `${key} must be a string`;
      if (value === '') return spec.allowEmpty ? null : `${key} is not allowed to be empty`;
      if (spec.alphanum && !/^[a-zA-Z0-9]+$/.test(value)) return `${key} must only contain alpha-numeric characters`;
      if (spec.hex && !/^[0-9a-fA-F]+$/.test(value)) return `${key} must only contain hexadecimal characters`;
      if (spec.length !== undefined && value.length !== spec.length) return `${key} length must be ${spec.length} characters long`;
      if (spec.min !== undefined && value.length < spec.min) return `${key} length must be at least ${spec.min} characters long`;
      if (spec.max !== undefined && value.length > spec.max) return `${key} length must be less than or equal to ${spec.max} characters long`;
      if (spec.pattern && !spec.pattern.test(value)) return spec.patternMessage ?? `${key} has an invalid format`;
      return null;
    }
    case 'integer': {
      const number = typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
      if (typeof number !== 'number' || Number.isNaN(number)) return `${key} must be a number`;
      if (!Number.isInteger(number)) return `${key} must be an integer`;
      if (spec.min !== undefined && number < spec.min) return `${key} must be greater than or equal to ${spec.min}`;
      if (spec.max !== undefined && number > spec.max) return `${key} must be less than or equal to ${spec.max}`;
      return null;
    }
    case 'boolean':
      return typeof value === 'boolean' || value === 'true' || value === 'false' ? null : `${key} must be a boolean`;
    case 'enum':
      return typeof value === 'string' && spec.values.includes(value) ? null : `${key} must be one of [${spec.values.join(', ')}]`;
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value) ? null : `${key} must be of type object`;
  }
}

/** The same rule, as OpenAPI sees it. */
function documented(spec: FieldSpec) {
  const required = spec.required ?? false;
  switch (spec.kind) {
    case 'string':
      return { type: String, required, minLength: spec.min ?? (spec.allowEmpty ? 0 : 1), maxLength: spec.max, nullable: spec.allowNull, pattern: spec.pattern?.source };
    case 'integer':
      return { type: 'integer', required, minimum: spec.min, maximum: spec.max, description: 'a number, or a string of digits' };
    case 'boolean':
      return { type: Boolean, required };
    case 'enum':
      return { enum: [...spec.values], required };
    case 'object':
      return { type: 'object', required };
  }
}

export function Field(spec: FieldSpec): PropertyDecorator {
  return applyDecorators(ApiProperty(documented(spec) as never), validated(spec));
}

function validated(spec: FieldSpec): PropertyDecorator {
  return ValidateBy({
    name: 'nexterm',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => checkField(spec, value, args?.property ?? '') === null,
      defaultMessage: (args?: ValidationArguments) => checkField(spec, args?.value, args?.property ?? '') ?? 'invalid',
    },
  });
}

/** Joi's conversion of numeric strings and `"true"`/`"false"`, applied after validation. */
export function asInteger(value: unknown): number | undefined {
  return value === undefined ? undefined : Number(value);
}
export function asBoolean(value: unknown): boolean | undefined {
  return value === undefined ? undefined : value === true || value === 'true';
}
