import { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { arrayOf, bool, closedObject, dateTime, int, str } from '../docs/schema-helpers';

const restrictionSet = (extra: Record<string, SchemaObject> = {}) =>
  closedObject({ enabled: bool, items: arrayOf(str), ...extra }, ['enabled', 'items', ...Object.keys(extra)]);

export const sshIdentitySchema = closedObject(
  {
    id: { type: 'string', pattern: '^[a-z](-?[a-z0-9]+(-[a-z0-9]+)*)?$' },
    name: str,
    description: str,
    sshPublicKeys: arrayOf(closedObject({ key: str })),
    restrictions: closedObject(
      { projects: restrictionSet(), tags: restrictionSet({ matchCondition: { type: 'string', enum: ['and', 'or'] } }) },
      ['projects', 'tags'],
    ),
    createdAt: dateTime,
    updatedAt: dateTime,
  },
  ['description'],
);

export const identityEnvelope = closedObject({ data: sshIdentitySchema });
export const identityListEnvelope = closedObject({
  data: closedObject({ identities: arrayOf(sshIdentitySchema) }),
  pagination: closedObject({ hasNextPage: bool, count: int, cursor: { type: 'string', pattern: '^[A-Za-z0-9_-]+$' } }, ['cursor']),
});
export const matchEnvelope = closedObject({ data: closedObject({ identities: arrayOf(sshIdentitySchema) }) });
export const emptyEnvelope = closedObject({ data: closedObject({}) });

export const northflankErrorSchema = closedObject({
  error: closedObject({ status: int, message: str, id: str, details: { type: 'object' } }),
});
