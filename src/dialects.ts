import { DynamicModule } from '@nestjs/common';

/** The dialect modules served by `npm start`. */
export const DIALECT_MODULES: NonNullable<DynamicModule['imports']> = [];
