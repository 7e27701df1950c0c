import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { AuthenticatedRequest } from '../auth/auth.decorators';
import { ForbiddenError, NotFoundError } from '../common/domain-errors';
import { OrganizationsService } from '../organizations/organizations.service';
import { parseUserRef } from './foreman-params';

/** The organization a Foreman request is scoped to (`organization_id`), for the controllers to filter by. */
export interface ForemanTaxonomyRequest extends AuthenticatedRequest {
  foremanOrganizationId?: number;
}

/**
 * Foreman's taxonomy context: `organization_id` scopes a request to one organization (sshid's organizations), and
 * an organization the caller cannot see answers Foreman's 404 "Organization with id N not found". A user named in
 * the path must belong to that organization. sshid keeps no locations, so every `location_id` is unknown.
 */
@Injectable()
export class ForemanTaxonomyGuard implements CanActivate {
  constructor(private readonly organizations: OrganizationsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest & ForemanTaxonomyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    await this.scope(request, reply);
    return true;
  }

  private async scope(request: FastifyRequest & ForemanTaxonomyRequest, reply: FastifyReply): Promise<void> {
    if (!request.principal) return;
    const query = (request.query ?? {}) as Record<string, unknown>;
    const location = last(query.location_id);
    if (location !== undefined && location !== '') throw new NotFoundError('location', location);
    const organization = last(query.organization_id);
    if (organization === undefined || organization === '') return;
    const id = /^\d{1,9}$/.test(organization) ? Number(organization) : null;
    if (id === null) throw new NotFoundError('organization', organization);
    try {
      const access = await this.organizations.access(request.principal, { id });
      reply.header('Foreman_current_organization', `${access.organization.id}; ${access.organization.name}`);
    } catch (error) {
      if (error instanceof ForbiddenError) throw new NotFoundError('organization', organization);
      throw error;
    }
    request.foremanOrganizationId = id;
    const params = (request.params ?? {}) as Record<string, string>;
    const userRef = params.user_id ?? (request.url.split('?')[0].match(/\/users\/[^/]+$/) ? params.id : undefined);
    if (userRef !== undefined) {
      const userId = parseUserRef(userRef);
      if (!(await this.organizations.isActiveMember(id, userId))) throw new NotFoundError('user', userRef);
    }
  }
}

function last(value: unknown): string | undefined {
  const one = Array.isArray(value) ? value[value.length - 1] : value;
  return typeof one === 'string' ? one : typeof one === 'number' ? String(one) : undefined;
}
