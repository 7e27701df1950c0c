# sshid: multi-stage image. The build stage (full Debian image: python3, make and g++ for argon2's native addon)
# installs every dependency, compiles TypeScript, then prunes to production dependencies; the runtime stage (slim,
# same Debian and Node) gets only those and the compiled output, and runs as the unprivileged `node` user (uid 1000).
# test/operations/dockerfile.e2e.spec.ts runs these very steps on a clean copy of the repository, so they cannot rot.

FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts wait for the sources: the package's own `prepare` builds them.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm rebuild && npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p data && chown 1000:1000 data
ENV PORT=6989 HOST=0.0.0.0 SSHID_DATA_DIR=/app/data LOG_FORMAT=json
USER node
EXPOSE 6989
VOLUME ["/app/data"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 6989) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
