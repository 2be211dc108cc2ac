# One image for the three sample services; SERVICE picks which one runs.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm workspaces: the library and the sample kit are packages the apps install by name.
COPY libs/telemetry/package.json libs/telemetry/
COPY libs/sample-kit/package.json libs/sample-kit/
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:24-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/libs/telemetry/package.json ./libs/telemetry/
COPY --from=build /app/libs/telemetry/dist ./libs/telemetry/dist
COPY --from=build /app/libs/sample-kit/package.json ./libs/sample-kit/
COPY --from=build /app/libs/sample-kit/dist ./libs/sample-kit/dist
COPY --from=build /app/dist ./dist
COPY package.json ./
ARG SERVICE=gateway
ENV SERVICE=${SERVICE}
USER node
CMD ["sh", "-c", "exec node --enable-source-maps dist/apps/${SERVICE}/src/main.js"]
