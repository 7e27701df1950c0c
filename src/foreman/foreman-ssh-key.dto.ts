import { Injectable, PipeTransform } from '@nestjs/common';
import { plainToInstance, Transform } from 'class-transformer';

/** Rails reads scalars as text: a number sent for `name` or `key` is that number's digits; anything else is absent. */
const railsText = ({ value }: { value: unknown }) => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined);
const isMapping = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The attributes of a key as Foreman's `ssh_key` parameter holds them. Unknown fields are ignored, as in Rails. */
export class ForemanSshKeyFields {
  @Transform(railsText)
  name?: string;

  @Transform(railsText)
  key?: string;
}

/**
 * The create body, wrapped (`{ssh_key: {...}}`, as hammer sends it) or flat (Rails' parameter wrapping accepts
 * both); the wrapped object wins when both are present. Missing or blank values are the domain's to refuse (422).
 */
export class ForemanSshKeyCreateBody extends ForemanSshKeyFields {
  @Transform(({ value }) => (isMapping(value) ? plainToInstance(ForemanSshKeyFields, value) : undefined))
  ssh_key?: ForemanSshKeyFields;

  /** What the key service is given: the wrapped attributes if sent, else the flat ones. */
  attributes(): { name: string | null; key: string | null } {
    const source = this.ssh_key ?? this;
    return { name: source.name ?? null, key: source.key ?? null };
  }
}

/**
 * Reads the create body into its DTO. Unlike the other dialects' body pipe it refuses nothing (the transforms leave
 * only text or nothing): Foreman answers a body without usable attributes with the model's 422 ("can't be blank"),
 * which the domain gives.
 */
@Injectable()
export class ForemanSshKeyBodyPipe implements PipeTransform<unknown, ForemanSshKeyCreateBody> {
  transform(value: unknown): ForemanSshKeyCreateBody {
    return plainToInstance(ForemanSshKeyCreateBody, isMapping(value) ? value : {}, { enableImplicitConversion: false });
  }
}
