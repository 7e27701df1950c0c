import { Controller, Get, NotFoundException, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { FastifyReply } from 'fastify';
import { CurrentPrincipal, Public } from '../auth/auth.decorators';
import { Principal } from '../auth/principal';
import { commaList } from '../common/comma-list';
import { ValidationError } from '../common/domain-errors';
import { AppConfig } from '../config/app-config';
import { AuthorizedKeysService } from '../keys/authorized-keys.service';
import { KeyService } from '../keys/key.service';

const LOGIN = /^[A-Za-z0-9._@-][A-Za-z0-9._@+-]{0,254}$/;

function sendLines(reply: FastifyReply, lines: string[]): void {
  void reply.header('Content-Type', 'text/plain; charset=utf-8').send(lines.length > 0 ? `${lines.join('\n')}\n` : '');
}

/** What SSH servers ask sshid at login: the `authorized_keys` lines for a login on a server described by project and tags. */
@Controller('api/sshid/v1/authorized-keys')
@ApiTags('sshid')
@ApiBearerAuth()
export class AuthorizedKeysController {
  constructor(
    private readonly authorizedKeys: AuthorizedKeysService,
    private readonly keys: KeyService,
  ) {}

  @Get()
  @SkipThrottle()
  @ApiOperation({ summary: 'authorized_keys lines for `login` on a server in `project` with `tags` (host token with authorized_keys.read)' })
  @ApiQuery({ name: 'login', required: true })
  @ApiQuery({ name: 'project', required: false })
  @ApiQuery({ name: 'tags', required: false, description: 'comma-separated' })
  @ApiQuery({ name: 'fingerprint', required: false, description: "sshd's %f: the key being checked (its last use is recorded)" })
  @ApiProduces('text/plain')
  async forServer(
    @CurrentPrincipal() principal: Principal,
    @Query() query: { login?: string; project?: string; tags?: string | string[]; fingerprint?: string },
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (typeof query.login !== 'string' || !LOGIN.test(query.login)) {
      throw new ValidationError([{ field: 'login', code: 'invalid', message: 'login must be a user name (letters, digits, . _ @ + -)' }]);
    }
    const fingerprint = typeof query.fingerprint === 'string' && query.fingerprint !== '' ? this.keys.normaliseFingerprint(query.fingerprint) : null;
    const project = typeof query.project === 'string' && query.project !== '' ? query.project : null;
    sendLines(reply, await this.authorizedKeys.forServer(principal, query.login, { project, tags: commaList(query.tags) }, fingerprint));
  }
}

/** `GET /<login>.keys`: a user's public keys, one per line, as GitHub and GitLab serve them (SSHID_PUBLIC_KEYS_ENDPOINT). */
@Controller()
export class PublicKeysFileController {
  constructor(
    private readonly authorizedKeys: AuthorizedKeysService,
    private readonly config: AppConfig,
  ) {}

  @Get(':file')
  @Public()
  @ApiOperation({ summary: "A user's public keys as text, one per line (`/<login>.keys`)" })
  @ApiProduces('text/plain')
  async publicKeys(@Param('file') file: string, @Res() reply: FastifyReply): Promise<void> {
    const login = file.endsWith('.keys') ? file.slice(0, -'.keys'.length) : '';
    // Any other one-segment path is simply not a route here.
    if (!this.config.SSHID_PUBLIC_KEYS_ENDPOINT || !LOGIN.test(login)) throw new NotFoundException();
    sendLines(reply, await this.authorizedKeys.publicKeysOf(login));
  }
}
