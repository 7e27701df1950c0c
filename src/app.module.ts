import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { AuthenticationGuard } from './auth/authentication.guard';
import { GlobalExceptionFilter } from './common/dialect-exception.filter';
import { InputSanityGuard } from './common/input-sanity.guard';
import { FixedWindowThrottlerStorage } from './common/fixed-window-throttler.storage';
import { AppConfig } from './config/app-config';
import { DatabaseModule } from './database/database.module';
import { dataSourceOptions } from './database/data-source-options';
import { initializeWithMigrations } from './database/migrate';
import { EventsModule } from './events/events.module';
import { HealthController } from './health/health.controller';
import { IdentitiesModule } from './identities/identities.module';
import { KeysModule } from './keys/keys.module';
import { OrganizationsModule } from './organizations/organizations.module';
import { SecretsModule } from './secrets/secrets.module';
import { SeedingModule } from './seeding/seeding.module';
import { UsersModule } from './users/users.module';
import { ObservabilityModule } from './observability/observability.module';
import { EmbeddedPostgresStatus } from './observability/metrics.service';

export interface AppModuleOptions {
  config: AppConfig;
  databaseUrl: string;
  /** Extra modules (the dialects), so tests can mount exactly what they exercise. */
  dialects?: DynamicModule['imports'];
  /** The embedded PostgreSQL's supervisor, for its restart count in the metrics. */
  embeddedPostgres?: EmbeddedPostgresStatus;
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    const { config } = options;
    return {
      module: AppModule,
      imports: [
        { module: ConfigHolder, global: true, providers: [{ provide: AppConfig, useValue: config }], exports: [AppConfig] },
        ThrottlerModule.forRoot({
          throttlers: [{ name: 'default', ttl: 60_000, limit: config.SSHID_RATE_LIMIT_PER_MINUTE }],
          storage: new FixedWindowThrottlerStorage(),
        }),
        TypeOrmModule.forRootAsync({
          useFactory: () => dataSourceOptions(options.databaseUrl),
          dataSourceFactory: (dataSourceOptions) => initializeWithMigrations(dataSourceOptions!),
        }),
        DatabaseModule,
        SecretsModule,
        EventsModule,
        UsersModule,
        OrganizationsModule,
        KeysModule,
        AuditModule,
        IdentitiesModule,
        SeedingModule,
        AuthModule,
        ObservabilityModule.forRoot(options.embeddedPostgres),
        ...(options.dialects ?? []),
      ],
      controllers: [HealthController],
      providers: [
        // Order matters: rate limits are checked before any credential work.
        { provide: APP_GUARD, useClass: ThrottlerGuard },
        // Input no route can store (NUL, lone surrogates) or walk safely (deep nesting) never reaches a route.
        { provide: APP_GUARD, useClass: InputSanityGuard },
        { provide: APP_GUARD, useClass: AuthenticationGuard },
        { provide: APP_FILTER, useClass: GlobalExceptionFilter },
      ],
    };
  }
}

@Module({})
class ConfigHolder {}
