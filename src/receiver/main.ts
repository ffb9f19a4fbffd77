/** The receiver alone (production, Docker): MongoDB and Temporal from the environment. */
import { runRole } from '../entry';

runRole('hookflow-receiver', { receiver: true, worker: false });
