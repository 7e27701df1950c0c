import { FixedWindowThrottlerStorage } from '../../src/common/fixed-window-throttler.storage';

describe('FixedWindowThrottlerStorage', () => {
  let storage: FixedWindowThrottlerStorage;
  beforeEach(() => (storage = new FixedWindowThrottlerStorage()));
  afterEach(() => storage.onModuleDestroy());

  it('counts hits in a window and blocks past the limit', async () => {
    for (let i = 1; i <= 3; i += 1) expect(await storage.increment('ip', 60_000, 3, 60_000, 'default')).toMatchObject({ totalHits: i, isBlocked: false });
    const over = await storage.increment('ip', 60_000, 3, 60_000, 'default');
    expect(over).toMatchObject({ totalHits: 4, isBlocked: true });
    expect(over.timeToBlockExpire).toBeGreaterThan(50);
    expect(over.timeToExpire).toBeLessThanOrEqual(60);
  });

  it('keeps clients and throttlers apart', async () => {
    await storage.increment('a', 60_000, 1, 60_000, 'default');
    expect((await storage.increment('a', 60_000, 1, 60_000, 'default')).isBlocked).toBe(true);
    expect((await storage.increment('b', 60_000, 1, 60_000, 'default')).isBlocked).toBe(false);
    expect((await storage.increment('a', 60_000, 1, 60_000, 'login')).isBlocked).toBe(false);
  });

  it('starts a new window once the old one and its block have passed', async () => {
    await storage.increment('ip', 30, 1, 30, 'default');
    expect((await storage.increment('ip', 30, 1, 30, 'default')).isBlocked).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await storage.increment('ip', 30, 1, 30, 'default')).toMatchObject({ totalHits: 1, isBlocked: false });
  });
});
