import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, UseFilters } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, SessionOnly } from '../auth/auth.decorators';
import { ApiErrors } from '../docs/schema-helpers';
import {
  auditLogSchema,
  invitationListSchema,
  memberListSchema,
  memberPermissionsSchema,
  nextermErrorSchema,
  organizationListSchema,
  organizationSchema,
  successSchema,
} from './nexterm.openapi';
import { Principal } from '../auth/principal';
import { BodyValidationPipe } from '../common/body-validation.pipe';
import { ForbiddenError, ValidationError } from '../common/domain-errors';
import { ORGANIZATION_PERMISSIONS, OrganizationPermission } from '../auth/permissions';
import { Membership } from '../organizations/membership.entity';
import { Organization } from '../organizations/organization.entity';
import { OrganizationsService } from '../organizations/organizations.service';
import { asBoolean, checkField } from './joi-style';
import { NextermExceptionFilter } from './nexterm-error.presenter';
import { CreateOrganizationDto, InviteDto, MemberPermissionsDto, RespondDto, UpdateOrganizationDto } from './nexterm.dto';
import { nextermPermission, organizationPermissionFromNexterm } from './nexterm-permissions';

const BASES = ['api/organizations', 'api/organization'];
const at = (suffix: string) => BASES.map((base) => (suffix ? `${base}/${suffix}` : base));

function presentOrganization(organization: Organization) {
  return {
    id: organization.id,
    name: organization.name,
    description: organization.description,
    auditSettings: { enableIdentityManagementAudit: true },
    sessionSettings: { enableLiveSessionSharing: false },
    createdAt: organization.createdAt.toISOString(),
    updatedAt: organization.updatedAt.toISOString(),
  };
}

function memberId(raw: string): number {
  if (!/^\d{1,9}$/.test(raw)) throw new ValidationError([{ field: 'accountId', code: 'invalid', message: 'Invalid member account ID' }]);
  return Number(raw);
}

function organizationId(raw: string): number {
  if (!/^\d{1,9}$/.test(raw)) throw new ValidationError([{ field: 'id', code: 'invalid', message: 'Invalid organization ID' }]);
  return Number(raw);
}


function presentMemberPermissions(membership: Membership) {
  const owner = membership.role === 'owner';
  const granted = ORGANIZATION_PERMISSIONS.filter((p) => owner || membership.permissions.includes(p));
  return {
    catalog: ORGANIZATION_PERMISSIONS.map(nextermPermission),
    overrides: Object.fromEntries(membership.permissions.map((p) => [nextermPermission(p as OrganizationPermission), 'allow'])),
    effective: granted.map(nextermPermission),
    inherited: owner ? ORGANIZATION_PERMISSIONS.map(nextermPermission) : [],
  };
}

/** Organization administration is for people signed in, not for API tokens (whose permissions cover identities and keys). */

const displayName = (user: { firstName: string | null; lastName: string | null }) => [user.firstName, user.lastName].filter(Boolean).join(' ');

@Controller()
@UseFilters(NextermExceptionFilter)
@ApiTags('organizations and audit')
@ApiBearerAuth()
@ApiErrors(nextermErrorSchema, { 413: 'Body too large', 400: 'Invalid request', 401: 'Not authenticated', 403: 'No access', 404: 'Not found', 409: 'Conflict', 429: 'Too many requests, or too many failed passwords (Retry-After)', 503: 'Unavailable' })
export class NextermOrganizationsController {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly audit: AuditService,
  ) {}

  @Put(at(''))
  @HttpCode(201)
  @ApiCreatedResponse({ schema: organizationSchema })
  @SessionOnly()
  async create(@CurrentPrincipal() principal: Principal, @Body(new BodyValidationPipe(CreateOrganizationDto)) body: CreateOrganizationDto) {
    return presentOrganization(await this.organizations.create(principal, { name: body.name, description: body.description ?? null }));
  }

  @Get(at(''))
  @ApiOkResponse({ schema: organizationListSchema })
  async list(@CurrentPrincipal() principal: Principal) {
    return (await this.organizations.listForMember(principal)).map((access) => ({
      ...presentOrganization(access.organization),
      isOwner: access.isOwner,
      permissions: access.permissions.map(nextermPermission),
    }));
  }

  @Get(at('invitations/pending'))
  @ApiOkResponse({ schema: invitationListSchema })
  async pending(@CurrentPrincipal() principal: Principal) {
    return (await this.organizations.pendingInvitations(principal)).map(({ membership, organization, inviter }) => ({
      organization: { id: organization.id, name: organization.name, description: organization.description },
      invitedBy: inviter ? { id: inviter.id, username: inviter.login, firstName: inviter.firstName, lastName: inviter.lastName, name: displayName(inviter) } : null,
      createdAt: membership.createdAt.toISOString(),
    }));
  }

  @Post(at('invitations/:id/respond'))
  @HttpCode(200)
  @ApiOkResponse({ schema: successSchema })
  @SessionOnly()
  async respond(@CurrentPrincipal() principal: Principal, @Param('id') raw: string, @Body(new BodyValidationPipe(RespondDto)) body: RespondDto) {
    const accept = asBoolean(body.accept) as boolean;
    await this.organizations.respond(principal, organizationId(raw), accept);
    return { success: true, message: accept ? 'Invitation accepted' : 'Invitation declined' };
  }

  @Get(at(':id'))
  @ApiOkResponse({ schema: organizationSchema })
  async get(@CurrentPrincipal() principal: Principal, @Param('id') raw: string) {
    return presentOrganization((await this.organizations.access(principal, { id: organizationId(raw) })).organization);
  }

  @Patch(at(':id'))
  @ApiOkResponse({ schema: organizationSchema })
  @SessionOnly()
  async update(@CurrentPrincipal() principal: Principal, @Param('id') raw: string, @Body(new BodyValidationPipe(UpdateOrganizationDto)) body: UpdateOrganizationDto) {
    const changes: { name?: string; description?: string | null } = {};
    if (body.name !== undefined) changes.name = body.name;
    if (body.description !== undefined) changes.description = body.description;
    return presentOrganization(await this.organizations.update(principal, organizationId(raw), changes));
  }

  @Delete(at(':id'))
  @ApiOkResponse({ schema: successSchema })
  @SessionOnly()
  async remove(@CurrentPrincipal() principal: Principal, @Param('id') raw: string) {
    await this.organizations.delete(principal, organizationId(raw));
    return { success: true };
  }

  @Get(at(':id/members'))
  @ApiOkResponse({ schema: memberListSchema })
  async members(@CurrentPrincipal() principal: Principal, @Param('id') raw: string) {
    return (await this.organizations.members(principal, organizationId(raw))).map(({ membership, user }) => ({
      username: user.login,
      firstName: user.firstName,
      lastName: user.lastName,
      avatarHash: null,
      accountId: user.id,
      name: displayName(user),
      role: membership.role,
      status: membership.status,
    }));
  }

  @Get(at(':id/members/:accountId/permissions'))
  @ApiOkResponse({ schema: memberPermissionsSchema })
  @SessionOnly()
  async getMemberPermissions(@CurrentPrincipal() principal: Principal, @Param('id') raw: string, @Param('accountId') rawAccount: string) {
    return presentMemberPermissions(await this.organizations.memberPermissions(principal, organizationId(raw), memberId(rawAccount)));
  }

  /** `{permissions: {"identities.manage": "allow" | "deny" | "neutral"}}`; anything not allowed is not granted. */
  @Put(at(':id/members/:accountId/permissions'))
  @ApiOkResponse({ schema: memberPermissionsSchema })
  @SessionOnly()
  async setMemberPermissions(
    @CurrentPrincipal() principal: Principal,
    @Param('id') raw: string,
    @Param('accountId') rawAccount: string,
    @Body(new BodyValidationPipe(MemberPermissionsDto, { allowUnknown: true })) body: MemberPermissionsDto,
  ) {
    const change = { grant: [] as OrganizationPermission[], revoke: [] as OrganizationPermission[] };
    for (const [name, choice] of Object.entries(body.permissions)) {
      (choice === 'allow' ? change.grant : change.revoke).push(organizationPermissionFromNexterm(name) as OrganizationPermission);
    }
    return presentMemberPermissions(await this.organizations.changeMemberPermissions(principal, organizationId(raw), memberId(rawAccount), change));
  }

  @Post(at(':id/invite'))
  @HttpCode(200)
  @ApiOkResponse({ schema: successSchema })
  @SessionOnly()
  async invite(@CurrentPrincipal() principal: Principal, @Param('id') raw: string, @Body(new BodyValidationPipe(InviteDto)) body: InviteDto) {
    const id = organizationId(raw);
    await this.organizations.invite(principal, id, body.username);
    return { success: true, message: 'Invitation sent successfully' };
  }

  @Delete(at(':id/members/:accountId'))
  @ApiOkResponse({ schema: successSchema })
  @SessionOnly()
  async removeMember(@CurrentPrincipal() principal: Principal, @Param('id') raw: string, @Param('accountId') rawAccount: string) {
    await this.organizations.removeMember(principal, organizationId(raw), memberId(rawAccount));
    return { success: true, message: 'Member removed successfully' };
  }

  @Post(at(':id/leave'))
  @HttpCode(200)
  @ApiOkResponse({ schema: successSchema })
  @SessionOnly()
  async leave(@CurrentPrincipal() principal: Principal, @Param('id') raw: string) {
    await this.organizations.leave(principal, organizationId(raw));
    return { success: true, message: 'You have left the organization' };
  }

  /** The audit log: one organization's (needs its audit permission), `personal`, or everything visible to the caller. */
  @Get('api/audit/logs')
  @ApiOkResponse({ schema: auditLogSchema })
  async auditLogs(
    @CurrentPrincipal() principal: Principal,
    @Query() query: { organizationId?: string; action?: string; resource?: string; startDate?: string; endDate?: string; limit?: string; offset?: string },
  ) {
    const problem =
      (query.organizationId !== undefined && query.organizationId !== 'personal' ? checkField({ kind: 'integer', min: 1 }, query.organizationId, 'organizationId') : null) ??
      checkField({ kind: 'string', max: 100 }, query.action, 'action') ??
      checkField({ kind: 'string', max: 50 }, query.resource, 'resource') ??
      checkField({ kind: 'integer', min: 1, max: 1000 }, query.limit, 'limit') ??
      checkField({ kind: 'integer', min: 0 }, query.offset, 'offset') ??
      (query.startDate !== undefined && Number.isNaN(Date.parse(query.startDate)) ? 'startDate must be a valid date' : null) ??
      (query.endDate !== undefined && Number.isNaN(Date.parse(query.endDate)) ? 'endDate must be a valid date' : null);
    if (problem) throw new ValidationError([{ field: 'query', code: 'invalid', message: problem }]);

    const auditable = (await this.organizations.listForMember(principal)).filter((a) => a.permissions.includes('audit.view'));
    let scope: number | 'personal' | undefined;
    if (query.organizationId === 'personal') scope = 'personal';
    else if (query.organizationId !== undefined) {
      scope = Number(query.organizationId);
      if (!auditable.some((a) => a.organization.id === scope)) {
        throw new ForbiddenError('not_member', "You don't have access to this organization's audit logs");
      }
    }
    const { events, total } = await this.audit.list(principal, auditable.map((a) => a.organization.id), {
      organizationId: scope,
      action: query.action,
      resource: query.resource,
      since: query.startDate ? new Date(query.startDate) : undefined,
      until: query.endDate ? new Date(query.endDate) : undefined,
      limit: query.limit ? Number(query.limit) : 50,
      offset: query.offset ? Number(query.offset) : 0,
    });
    const names = new Map(auditable.map((a) => [a.organization.id, a.organization.name]));
    return {
      logs: events.map((e) => ({
        id: Number(e.id),
        accountId: e.actorUserId,
        organizationId: e.organizationId,
        action: e.action,
        resource: e.resource,
        resourceId: e.resourceId === null ? null : Number(e.resourceId),
        resourceName: e.resourceName,
        ipAddress: e.ip,
        userAgent: e.userAgent,
        timestamp: e.createdAt.toISOString(),
        details: e.details,
        reason: null,
        organizationName: e.organizationId === null ? null : names.get(e.organizationId) ?? null,
      })),
      total,
      filters: { organizationId: query.organizationId ?? null, action: query.action ?? null, resource: query.resource ?? null },
    };
  }
}
