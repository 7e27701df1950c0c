import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDateString,
  IsDefined,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';

// Patterns from Northflank's published schema.
export const NAME_PATTERN = /^[a-zA-Z0-9]+((-|\s)[a-zA-Z0-9]+)*$/;
export const DESCRIPTION_PATTERN = /^[a-zA-Z0-9.,?\s\\/'"()[\];`%^&*\-_:!]+$/;
export const RESTRICTION_ITEM_PATTERN = /^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*$/;
export const IDENTITY_ID_PATTERN = /^[a-zA-Z](-?[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*)?$/;

export class SshPublicKeyDto {
  @ApiProperty({ description: 'OpenSSH public key line', example: 'ssh-ed25519 AAAAC3Nza… alice@laptop' })
  @IsDefined({ message: 'key is required' })
  @IsString({ message: 'key must be a string' })
  @MaxLength(16384, { message: 'key must be at most 16384 characters' })
  key: string;
}

class RestrictionItemsDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean({ message: 'enabled must be a boolean' })
  enabled?: boolean;

  @ApiPropertyOptional({ type: [String], description: 'letters and digits separated by single hyphens, 3 to 100 characters' })
  @IsOptional()
  @IsArray({ message: 'items must be an array' })
  @ArrayMaxSize(100, { message: 'items must contain at most 100 entries' })
  @IsString({ each: true, message: 'each item must be a string' })
  @Length(3, 100, { each: true, message: 'each item must be 3 to 100 characters long' })
  @Matches(RESTRICTION_ITEM_PATTERN, { each: true, message: `each item must match ${RESTRICTION_ITEM_PATTERN}` })
  items?: string[];
}

export class ProjectRestrictionDto extends RestrictionItemsDto {}

export class TagRestrictionDto extends RestrictionItemsDto {
  @ApiPropertyOptional({ enum: ['and', 'or'] })
  @IsOptional()
  @IsIn(['and', 'or'], { message: 'matchCondition must be one of: and, or' })
  matchCondition?: 'and' | 'or';
}

export class RestrictionsDto {
  @ApiPropertyOptional({ type: () => ProjectRestrictionDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ProjectRestrictionDto)
  projects?: ProjectRestrictionDto;

  @ApiPropertyOptional({ type: () => TagRestrictionDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => TagRestrictionDto)
  tags?: TagRestrictionDto;
}

/** Fields shared by POST/PUT (which add `name`) and PATCH. */
export class UpdateSshIdentityDto {
  @ApiPropertyOptional({ maxLength: 200, pattern: DESCRIPTION_PATTERN.source })
  @IsOptional()
  @IsString({ message: 'description must be a string' })
  @MaxLength(200, { message: 'description must be at most 200 characters' })
  @Matches(DESCRIPTION_PATTERN, { message: 'description contains characters that are not allowed' })
  description?: string;

  @ApiPropertyOptional({ type: () => [SshPublicKeyDto] })
  @IsOptional()
  @IsArray({ message: 'sshPublicKeys must be an array' })
  @ArrayMaxSize(100, { message: 'sshPublicKeys must contain at most 100 keys' })
  @ValidateNested({ each: true })
  @Type(() => SshPublicKeyDto)
  sshPublicKeys?: SshPublicKeyDto[];

  @ApiPropertyOptional({ type: () => RestrictionsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RestrictionsDto)
  restrictions?: RestrictionsDto;

  // In Northflank's request schema (shared with the response); accepted and ignored.
  @ApiPropertyOptional({ format: 'date-time', description: 'accepted and ignored' })
  @IsOptional()
  @IsDateString({}, { message: 'updatedAt must be a date-time' })
  updatedAt?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'accepted and ignored' })
  @IsOptional()
  @IsDateString({}, { message: 'createdAt must be a date-time' })
  createdAt?: string;
}

export class CreateSshIdentityDto extends UpdateSshIdentityDto {
  @ApiProperty({ minLength: 3, maxLength: 100, pattern: NAME_PATTERN.source, example: 'Deploy Keys' })
  @IsDefined({ message: 'name is required' })
  @IsString({ message: 'name must be a string' })
  @Length(3, 100, { message: 'name must be 3 to 100 characters long' })
  @Matches(NAME_PATTERN, { message: 'name must be letters and digits separated by single spaces or hyphens' })
  name: string;
}
