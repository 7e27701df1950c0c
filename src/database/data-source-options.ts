import { DataSourceOptions } from 'typeorm';
import { ApiToken } from '../auth/api-token.entity';
import { Session } from '../auth/session.entity';
import { AuditEvent } from '../audit/audit-event.entity';
import { Identity } from '../identities/identity.entity';
import { PublicKey } from '../keys/public-key.entity';
import { Membership } from '../organizations/membership.entity';
import { Organization } from '../organizations/organization.entity';
import { User } from '../users/user.entity';
import { InitialSchema1763859600000 } from './migrations/1763859600000-initial-schema';
import { DeviceCodes1763863200000 } from './migrations/1763863200000-device-codes';
import { SecurityKeyLength1764000000000 } from './migrations/1764000000000-security-key-length';
import { ChangeNotifications1764003600000 } from './migrations/1764003600000-change-notifications';
import { AttemptCounters1764100000000 } from './migrations/1764100000000-attempt-counters';
import { DropDialectKeyLength1764200000000 } from './migrations/1764200000000-drop-dialect-key-length';
import { KeyExpiryAndUse1764300000000 } from './migrations/1764300000000-key-expiry-and-use';
import { DeviceCode } from '../auth/device-code.entity';

export const ENTITIES = [User, Organization, Membership, Identity, PublicKey, AuditEvent, Session, ApiToken, DeviceCode];
export const MIGRATIONS = [InitialSchema1763859600000, DeviceCodes1763863200000, SecurityKeyLength1764000000000, ChangeNotifications1764003600000, AttemptCounters1764100000000, DropDialectKeyLength1764200000000, KeyExpiryAndUse1764300000000];

/** Schema comes only from migrations, run at start-up under an advisory lock (migrate.ts); `synchronize` stays off. */
export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: false,
    migrationsTransactionMode: 'all',
    synchronize: false,
    logging: false,
    extra: { max: 20, connectionTimeoutMillis: 5000 },
  };
}
