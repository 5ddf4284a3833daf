# syntax=docker/dockerfile:1.7
# The OPEN single-page app: built with Vite, served by unprivileged nginx, which forwards the API
# (/graphql, with websockets, and /auth) to the gateway.
# Build from the repository root: docker build -f infra/docker/spa.Dockerfile -t open-spa .
# (the root context is needed because the SPA's GraphQL types are generated from docs/schema.graphql).

ARG NODE_IMAGE=node:22.14.0-bookworm-slim
ARG NGINX_IMAGE=nginxinc/nginx-unprivileged:1.27.4-alpine

FROM ${NODE_IMAGE} AS build
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY docs/schema.graphql /src/docs/schema.graphql
COPY frontend/ ./
RUN npm run build

FROM ${NGINX_IMAGE} AS runtime
LABEL org.opencontainers.image.title="open-spa" \
      org.opencontainers.image.description="OPEN web app (DAG editor and execution monitor)" \
      org.opencontainers.image.licenses="Apache-2.0"
# The gateway the API is forwarded to (host:port), substituted into the config at start by the
# image's envsubst entrypoint step.
ENV OPEN_GATEWAY_ADDR=gateway:8000
COPY infra/docker/nginx.conf.template /etc/nginx/templates/default.conf.template
COPY --from=build /src/frontend/dist /usr/share/nginx/html
# nginx-unprivileged runs as uid 101 and listens on 8080.
USER 101
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --retries=3 CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/nginx-health"]
