import { AddressInfo } from 'node:net';
import { ApiClient, ApiClientInMemoryContextProvider } from '@northflank/js-client';
import { NorthflankModule } from '../../src/northflank/northflank.module';
import { publicKey } from '../fixtures/keys';
import { startTestApp, TestApp } from '../support/test-app';

/** The real @northflank/js-client 0.9.5, unchanged, pointed at sshid. */
describe('Northflank dialect with @northflank/js-client 0.9.5', () => {
  let t: TestApp;
  let apiClient: ApiClient;

  beforeAll(async () => {
    t = await startTestApp([NorthflankModule]);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const user = await t.createUser('ci-bot');
    const token = await t.apiToken(user, ['identities.read', 'identities.create', 'identities.update', 'identities.delete']);
    const contextProvider = new ApiClientInMemoryContextProvider();
    await contextProvider.addContext({ name: 'sshid', token, host: `http://127.0.0.1:${port}` });
    apiClient = new ApiClient(contextProvider, { throwErrorOnHttpErrorCode: true });
  });
  afterAll(() => t.close());

  it('runs add → get → list.all → put → update → delete', async () => {
    const added = await apiClient.add.sshIdentities({
      data: { name: 'Client Keys', sshPublicKeys: [{ key: publicKey('ed25519') }], restrictions: { projects: { enabled: false }, tags: { enabled: false, matchCondition: 'or' } } },
    });
    expect(added.error).toBeUndefined();
    expect(added.data.id).toBe('client-keys');
    expect(added.rawResponse.headers.get('x-ratelimit-limit')).toBeTruthy();

    const got = await apiClient.get.sshIdentities({ parameters: { identityId: 'client-keys' } });
    expect(got.data.sshPublicKeys).toEqual([{ key: publicKey('ed25519') }]);

    for (let i = 1; i <= 4; i += 1) await apiClient.add.sshIdentities({ data: { name: `extra set ${i}` } });
    const all = await apiClient.list.sshIdentities.all({ options: { per_page: 2 } });
    expect((all.data.identities ?? []).map((i) => i.id)).toEqual(['client-keys', 'extra-set-1', 'extra-set-2', 'extra-set-3', 'extra-set-4']);

    const put = await apiClient.put.sshIdentities({ parameters: { identityId: 'client-keys' }, data: { name: 'Client Keys', sshPublicKeys: [{ key: publicKey('rsa2048') }] } });
    expect(put.data.sshPublicKeys).toEqual([{ key: publicKey('rsa2048') }]);

    const updated = await apiClient.update.sshIdentities({ parameters: { identityId: 'client-keys' }, data: { description: 'from the js client' } });
    expect(updated.data.description).toBe('from the js client');

    const deleted = await apiClient.delete.sshIdentities({ parameters: { identityId: 'client-keys' } });
    expect(deleted.data).toEqual({});

    await expect(apiClient.get.sshIdentities({ parameters: { identityId: 'client-keys' } })).rejects.toMatchObject({ status: 404 });
  });

  it('reports a validation error with its details', async () => {
    await expect(apiClient.add.sshIdentities({ data: { name: 'x' } })).rejects.toMatchObject({ status: 400, details: { name: expect.any(Array) } });
  });
});
