# Onramp's production image: worker (default), intake API, codec server, checklist page and operator CLI, compiled.
#   build stage: `tsc -p tsconfig.build.json` to dist/, then the workflow bundle pre-built from the compiled
#                code (dist/workflow-bundle.js; workers load it through ONRAMP_WORKFLOW_BUNDLE, no webpack at start)
#   runtime:     production dependencies only (no tsx, no @temporalio/testing), `node` as PID 1, user `node`.
# Node 22 (LTS): Node 20 reached end of life on 2026-04-30. CI runs the compiled build on Node 22 too (.ci/run).
# The processes (docker-compose.yml; scripts/prod-proof.sh runs exactly these commands):
#   worker        node dist/worker.js
#   intake        node dist/intake/main.js
#   codec-server  node dist/codec-server/main.js
#   checklist-page node dist/checklist-page/main.js
#   CLI           docker compose run --rm worker node dist/cli/main.js list
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json && node dist/temporal/workflow-bundle.js dist/workflow-bundle.js

FROM node:22-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# MALLOC_* (glibc arenas, fixed trim/mmap thresholds), the 2 MB V8 semi-space and, in CMD (NODE_OPTIONS refuses it),
# --optimize-for-size: the worker's memory settings
# (src/worker.ts WORKER_PROCESS_ENV, WORKER_NODE_FLAGS, kept in step by test/launch-settings.test.ts; README
# benchmark section). Harmless for the intake and the codec server.
ENV ONRAMP_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js \
    LOG_FORMAT=json \
    MALLOC_ARENA_MAX=2 \
    MALLOC_TRIM_THRESHOLD_=131072 \
    MALLOC_MMAP_THRESHOLD_=131072 \
    NODE_OPTIONS=--max-semi-space-size=2
USER node
# 9464: worker Prometheus metrics (ONRAMP_METRICS_BIND_ADDRESS=0.0.0.0:9464); 8485: intake API; 8484: codec server.
EXPOSE 9464 8485 8484
CMD ["node", "--optimize-for-size", "dist/worker.js"]
