# The receiver and the worker, built from this repository. docker-compose.yml runs one container of
# each against MongoDB and Temporal; pick the role with the command.
# The image holds no config file: mount one and point HOOKFLOW_CONFIG at it (docker-compose.yml does).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
# V8's young generation at 4 MiB semi-spaces instead of 16: both roles make short-lived garbage
# per event, and the large default is resident memory at every peak (receiver 139 -> 112 MiB,
# worker ~300 -> 242 MiB at 2 MiB). 4 rather than 2: at 2 the scavenger ran so often that GC took
# ~2.4 s of the worker's CPU per 1,000 events; at 4 the burst completed 38 events/s instead of 33
# with the worker's peak at 277 MiB (bench/README.md, latest results).
# A 256 MiB old space: without a limit V8 lets garbage pile up to ~470 MiB in a worker's burst
# before collecting it; with it, 244 MiB at the same pace. The worker's workflow cache is then set
# by WORKER_MAX_CACHED_WORKFLOWS (the SDK would derive it from this limit, far too small).
ENV NODE_OPTIONS="--max-semi-space-size=4 --max-old-space-size=256"
# glibc gives each thread that allocates its own malloc arena; the worker's native core (Temporal's
# Rust runtime) runs many, and their fragments stayed resident: peak 354 -> 303 MiB with two arenas.
ENV MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
EXPOSE 3000
CMD ["node", "dist/src/receiver/main.js"]
