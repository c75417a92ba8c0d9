# The Onramp worker (and CLI). Workflows are bundled at build time so workers start fast.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY bin ./bin
COPY scripts/build-workflow-bundle.ts ./scripts/
RUN npx tsx scripts/build-workflow-bundle.ts lib/workflow-bundle.js
ENV ONRAMP_WORKFLOW_BUNDLE=/app/lib/workflow-bundle.js \
    LOG_FORMAT=json \
    NODE_ENV=production
USER node
# 9464: worker Prometheus metrics when ONRAMP_METRICS_BIND_ADDRESS=0.0.0.0:9464; 8485: intake API (src/intake/main.ts).
EXPOSE 9464 8485
CMD ["npx", "tsx", "src/worker.ts"]
