import { randomBytes, randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '../common/domain-errors';
import { SecretBox } from '../secrets/secret-box';
import { AuthService, ClientInfo } from './auth.service';
import { sha256Hex } from './credentials.repository';
import { DeviceClientType, DeviceCode } from './device-code.entity';
import { DeviceCodesRepository } from './device-codes.repository';
import { Principal } from './principal';

const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const LIFETIME_MS = 10 * 60_000;

export type DevicePollResult = { status: 'pending' } | { status: 'authorized'; token: string } | { status: 'invalid' };

@Injectable()
export class DeviceCodesService {
  constructor(
    private readonly devices: DeviceCodesRepository,
    private readonly auth: AuthService,
    private readonly secretBox: SecretBox,
  ) {}

  async create(clientType: DeviceClientType, client: ClientInfo): Promise<{ code: string; token: string; expiresAt: Date }> {
    await this.devices.deleteExpired();
    const token = randomBytes(32).toString('hex');
    const expiresAt = new Date(Date.now() + LIFETIME_MS);
    for (;;) {
      const code = `${this.randomPart()}-${this.randomPart()}`;
      const values = { code, pollTokenHash: sha256Hex(token), clientType, ip: client.ip ?? null, userAgent: client.userAgent ?? null, expiresAt };
      if (await this.devices.insertUnlessTaken(values)) return { code, token, expiresAt };
    }
  }

  /** What the signed-in user sees before authorizing a code. */
  async info(code: string): Promise<DeviceCode> {
    const device = await this.pending(code);
    return device;
  }

  /** Opens a session for the authorizing user on behalf of the device; the device collects it by polling. */
  async authorize(principal: Principal, code: string): Promise<DeviceCode> {
    return this.devices.transaction(async (tx) => {
      const device = await this.devices.lockByCode(tx, code);
      if (!device) throw new NotFoundError('device_code', code);
      if (device.authorizedBy !== null) throw new ConflictError('already_authorized', 'Device code has already been authorized');
      // In the code's transaction: the session exists only once the code says who authorized it.
      const { token } = await this.auth.openSession(principal.user, { ip: device.ip ?? undefined, userAgent: device.userAgent ?? undefined }, tx);
      await this.devices.setAuthorized(tx, device.id, principal.user.id, this.secretBox.seal(token));
      return device;
    });
  }

  /** The device's poll: the session token is handed over once, then the code is gone. */
  async poll(token: string): Promise<DevicePollResult> {
    return this.devices.transaction(async (tx) => {
      const device = await this.devices.lockByPollTokenHash(tx, sha256Hex(token));
      if (!device) return { status: 'invalid' };
      if (!device.sessionTokenSecret) return { status: 'pending' };
      await this.devices.delete(tx, device.id);
      return { status: 'authorized', token: this.secretBox.open(device.sessionTokenSecret) };
    });
  }

  private async pending(code: string): Promise<DeviceCode> {
    const device = await this.devices.findByCode(code);
    if (!device) throw new NotFoundError('device_code', code);
    if (device.authorizedBy !== null) throw new ConflictError('already_authorized', 'Device code has already been authorized');
    return device;
  }

  private randomPart(): string {
    return Array.from({ length: 4 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  }
}
