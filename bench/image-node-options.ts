/**
 * The Dockerfile's runtime settings for node: the bench runs the receiver and the worker (and the
 * bare shape's worker) with them, so it measures their memory as the image runs them. A unit test
 * holds these and the Dockerfile's the same (test/unit/docker/dockerfile.test.ts).
 */
/** Its NODE_OPTIONS, as node flags. */
export const IMAGE_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=4', '--max-old-space-size=256'];

/** Its other ENV settings that shape memory. */
export const IMAGE_MEMORY_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };
