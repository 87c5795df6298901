# syntax=docker/dockerfile:1
# One image recipe for the four hookline services; the build arguments say which. Build from the
# repository root (npm workspaces share one lockfile), e.g.
#   docker build --build-arg SERVICE=producer --build-arg PORT=8081 -t hookline/producer .
#   docker build --build-arg SERVICE=svix-relay --build-arg PORT=8083 \
#     --build-arg NODE_OPTIONS="--max-semi-space-size=8 --max-old-space-size=160" -t hookline/svix-relay .
#   docker build --build-arg SERVICE=audit --build-arg PORT=8084 -t hookline/audit .
#   docker build --build-arg SERVICE=hook-executor --build-arg PORT=8082 \
#     --build-arg APT_PACKAGES="git python3 openssh-client ca-certificates bubblewrap curl util-linux" \
#     --build-arg STATE_DIRECTORY=/var/lib/hookline/hook-executor -t hookline/hook-executor .
# docker-compose.yml passes these for each service. Run e.g.:
#   docker run -e KAFKA_BROKERS=kafka:9092 -e INGEST_TOKENS=... -p 8081:8081 hookline/producer
#   docker run --read-only --tmpfs /var/lib/hookline/hook-executor:mode=0700,uid=1000,gid=1000 --tmpfs /tmp \
#     -e KAFKA_BROKERS=kafka:9092 -e GIT_HOOK_CONFIG_TTL=60 -e RUNBOOKS_GIT_URL=... -p 8082:8082 hookline/hook-executor

# The workspaces' package.json files alone: the install layer below stays cached until a
# manifest or the lockfile changes, not whenever a source file does.
FROM node:24-slim AS manifests
WORKDIR /app
COPY libs libs
COPY services services
COPY tools/package.json tools/
RUN find libs services -mindepth 2 -maxdepth 2 ! -name package.json -exec rm -rf {} +

FROM node:24-slim AS build
# The service's folder under services/ (producer, hook-executor, svix-relay, audit).
ARG SERVICE
RUN test -n "$SERVICE" || { echo 'build with --build-arg SERVICE=<producer|hook-executor|svix-relay|audit>' >&2; exit 1; }
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json ./
# patch-package's fixes of dependencies (patches/), applied after the install: --ignore-scripts skips postinstall.
COPY patches patches
COPY --from=manifests /app ./
RUN npm ci --workspace "services/$SERVICE" --include-workspace-root --ignore-scripts --no-audit --no-fund \
 && npx patch-package --error-on-fail
COPY libs libs
COPY services/${SERVICE} services/${SERVICE}
# tsc -b builds the libs the service references. /out gets what runs, for every lib (one the
# service does not use has no dist) and the service: package.json, dist, the drizzle-kit
# migrations applied at start (../../migrations from dist/database/), the workspace's own
# node_modules (dependency versions the root's differ from, e.g. p-limit); and main.js, a link
# to the service's entry point, as CMD cannot expand build arguments.
RUN npx tsc -b "services/$SERVICE" \
 && npm prune --omit=dev --workspace "services/$SERVICE" --include-workspace-root --ignore-scripts --no-audit --no-fund \
 && for dir in libs/*/ "services/$SERVICE/"; do \
      mkdir -p "/out/$dir" && cp "$dir/package.json" "/out/$dir" \
      && for part in dist migrations node_modules; do if [ -d "$dir/$part" ]; then cp -r "$dir/$part" "/out/$dir"; fi; done; \
    done \
 && cp package.json /out/ \
 && ln -s "services/$SERVICE/dist/main.js" /out/main.js

FROM node:24-slim AS runtime
ARG SERVICE
ARG PORT
# Packages the service runs besides node: the hook-executor's hooks are python3 scripts fetched
# with git (and ssh), sandboxed by bubblewrap; curl for hooks that forward with it; prlimit
# (util-linux) sets the limits of a non-python interpreter.
ARG APT_PACKAGES=""
# The service's own state directory, created node-owned and 0700: the hook-executor's
# (RUNBOOKS_DIR defaults to runbooks/ in it); docker-compose mounts a tmpfs there (the root
# filesystem is read-only). Empty: none.
ARG STATE_DIRECTORY=""
# V8 flags: by default the young generation capped at 2 × 8 MB, as SERVICE_PROCESS_ENV in
# libs/observability says (test/deploy checks the two agree); the relay adds an old-space cap.
ARG NODE_OPTIONS="--max-semi-space-size=8"
RUN test -n "$SERVICE" && test -n "$PORT" || { echo 'build with --build-arg SERVICE=... --build-arg PORT=...' >&2; exit 1; }
RUN if [ -n "$APT_PACKAGES" ]; then apt-get update && apt-get install -y --no-install-recommends $APT_PACKAGES && rm -rf /var/lib/apt/lists/*; fi
# Two malloc arenas instead of glibc's 8 per core (SERVICE_PROCESS_ENV): V8's and libuv's
# threads each grew their own (see docs/benchmarks.md).
ENV NODE_ENV=production PORT=${PORT} HOST=0.0.0.0 NODE_OPTIONS=${NODE_OPTIONS} MALLOC_ARENA_MAX=2
ENV STATE_DIRECTORY=${STATE_DIRECTORY}
RUN if [ -n "$STATE_DIRECTORY" ]; then install -d -o node -g node -m 0700 "$STATE_DIRECTORY"; fi
WORKDIR /app
# Code and node_modules are root's (COPY's default owner) and read-only for the service's user:
# a compromised process (or a hook) cannot rewrite the code it runs.
COPY --from=build /app/node_modules node_modules
COPY --from=build /out ./
# The image's unprivileged user; the build fails if it may write anything under /app. The
# hook-executor's hooks run in bwrap sandboxes as uid 65534, seeing none of /app: the container
# must allow user namespaces (see the README's hooks section: seccomp, AppArmor, /proc).
USER node
RUN writable="$(find /app -writable -print -quit)" && if [ -n "$writable" ]; then echo "writable by node: $writable" >&2; exit 1; fi
EXPOSE ${PORT}
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# exec form: node is PID 1 and receives SIGTERM itself (graceful shutdown); node follows the
# main.js link, so the service's relative imports resolve from its own dist/.
CMD ["node", "main.js"]
