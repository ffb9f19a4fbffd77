/*
 * Loaded by .mocharc.cluster.json before the root hooks: the suite's core paths again, against the
 * cluster profile (the full Temporal server on PostgreSQL, over mTLS) instead of the dev server.
 * Its own ports, so it runs beside a dev server on the usual ones; HOOKFLOW_CLUSTER_PORT moves them.
 */
process.env.HOOKFLOW_TEMPORAL = 'cluster';
process.env.HOOKFLOW_TEMPORAL_PORT = process.env.HOOKFLOW_CLUSTER_PORT ?? '17233';
