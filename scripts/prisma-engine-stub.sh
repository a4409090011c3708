#!/bin/sh
# Prisma's CLI wants a native schema engine it would download at run time. We never use it
# (client generation needs none; migrations are authored with the JS engine), so this stub
# stands in and says so if anything does call it. See docs/decisions/002-prisma-migrations-offline.md.
echo "waihu: the Prisma native schema engine is not used in this project (see docs/decisions/002)" >&2
exit 1
