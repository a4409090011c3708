import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from './embedded-postgres.server';

describe('embedded PostgreSQL', () => {
  it('refuses a data folder made by another PostgreSQL version, saying what to do', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waihu-pgv-'));
    fs.mkdirSync(path.join(dir, 'pg'));
    fs.writeFileSync(path.join(dir, 'pg', 'PG_VERSION'), '15\n');
    await expect(startEmbeddedPostgres({ dataDir: dir })).rejects.toThrow(
      /holds a PostgreSQL 15 cluster, but Waihu embeds PostgreSQL 18/,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('says clearly when WAIHU_PG_PORT is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const { port } = blocker.address() as net.AddressInfo;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waihu-pgp-'));
    await expect(startEmbeddedPostgres({ dataDir: dir, port })).rejects.toThrow(
      new RegExp(`Port ${port} \\(WAIHU_PG_PORT\\) is already in use`),
    );
    blocker.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
