/**
 * The Dockerfile's NODE_OPTIONS, as node flags: the bench runs the receiver and the worker (and the
 * bare shape's worker) with them, so it measures their memory as the image runs them. A unit test
 * holds the two the same (test/unit/docker/dockerfile.test.ts).
 */
export const IMAGE_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=2', '--max-old-space-size=256'];
