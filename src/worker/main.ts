/** The worker alone (production, Docker): MongoDB and Temporal from the environment. */
import { runRole } from '../entry';

runRole('hookflow-worker', { receiver: false, worker: true });
