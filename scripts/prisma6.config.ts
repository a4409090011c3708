// Configuration for Prisma 6.19's CLI, used only to author migrations offline with its
// JavaScript schema engine (app/db/schema-diff.server.ts). Prisma 7 needs no config here.
import { PrismaPg } from 'prisma6-adapter-pg';

export default {
  experimental: { adapter: true },
  engine: 'js',
  async adapter() {
    return new PrismaPg({ connectionString: process.env.DATABASE_URL });
  },
};
