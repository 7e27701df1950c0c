import { DynamicModule } from '@nestjs/common';
import { DocumentBuilder } from '@nestjs/swagger';
import { OpenApiDocumentSpec } from './docs/openapi';
import { ForemanModule } from './foreman/foreman.module';
import { NextermModule } from './nexterm/nexterm.module';
import { NorthflankModule } from './northflank/northflank.module';
import { SshidModule } from './sshid/sshid.module';

/** The dialect modules (and sshid's own API) served by `npm start`. */
export const DIALECT_MODULES: NonNullable<DynamicModule['imports']> = [SshidModule, ForemanModule, NorthflankModule, NextermModule];

/** The OpenAPI document of each dialect (and of sshid's own API), served under /docs. */
export const DIALECT_DOCUMENTS: readonly OpenApiDocumentSpec[] = [
  {
    name: 'foreman',
    module: ForemanModule,
    title: 'sshid — Foreman API v2 (users and SSH keys)',
    description: "Foreman's `/api/users/:user_id/ssh_keys` resource, for hammer, apipie-bindings and curl.",
    auth: (builder: DocumentBuilder) => builder.addBasicAuth().addBearerAuth(),
  },
  {
    name: 'northflank',
    module: NorthflankModule,
    title: 'sshid — Northflank SSH identities',
    description: "Northflank's `/v1/integrations/ssh-identities` API; every success is HTTP 200 with `{data}`.",
    auth: (builder: DocumentBuilder) => builder.addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'API token' }),
  },
  {
    name: 'nexterm',
    module: NextermModule,
    title: 'sshid — Nexterm identities, accounts and organizations',
    description: "Nexterm's `/api/identities`, `/api/auth`, `/api/organizations` routes (and the documented singular paths).",
    auth: (builder: DocumentBuilder) => builder.addBearerAuth({ type: 'http', scheme: 'bearer', description: 'session token from /api/auth/login' }),
  },
  {
    name: 'sshid',
    module: SshidModule,
    title: "sshid — sshid's own API",
    description: 'Login, API tokens, bulk import and the identity restriction match, under `/api/sshid/v1`.',
    auth: (builder: DocumentBuilder) => builder.addBearerAuth(),
  },
];
