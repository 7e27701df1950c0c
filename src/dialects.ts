import { DynamicModule } from '@nestjs/common';
import { ForemanModule } from './foreman/foreman.module';

/** The dialect modules served by `npm start`. */
export const DIALECT_MODULES: NonNullable<DynamicModule['imports']> = [ForemanModule];
