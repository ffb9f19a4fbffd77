// Added to FerretDB's internal/util/fsql package by hookflow's installer
// (dev/embedded/install-ferretdb.ts, patchWriteQueue): every write of a database waits here for
// its turn instead of in SQLite's busy handler.

package fsql

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// errWriteQueueTimeout is what a write gets that waited too long for its turn.
var errWriteQueueTimeout = errors.New("timed out waiting for the database's write lock")

// writeQueueTimeout bounds a write's wait for its turn, as SQLite's busy_timeout (FerretDB sets
// 10 s) bounded it before the queue.
const writeQueueTimeout = 10 * time.Second

// writeQueue lets one write into a database at a time, in arrival order. A Go channel serves the
// senders blocked on it first in, first out, and a receive that frees the slot moves the first
// waiter's send into it at once, so a writer that arrives later cannot take the slot ahead of one
// already waiting. A waiting writer gives up after the queue's timeout, or when its request's
// context ends (FerretDB 1.24 ends it when it shuts down, and at a findAndModify's maxTimeMS; it
// does not notice a client that hangs up mid-request), and the writers behind it move up.
type writeQueue struct {
	slot    chan struct{}
	timeout time.Duration
}

func newWriteQueue(timeout time.Duration) *writeQueue {
	return &writeQueue{slot: make(chan struct{}, 1), timeout: timeout}
}

// acquire waits for the write slot; on success the caller must call release once it is done.
func (q *writeQueue) acquire(ctx context.Context) error {
	// The common case, with nobody writing: no timer.
	select {
	case q.slot <- struct{}{}:
		return nil
	default:
	}

	timer := time.NewTimer(q.timeout)
	defer timer.Stop()

	select {
	case q.slot <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for the database's write lock: %w", ctx.Err())
	case <-timer.C:
		return fmt.Errorf("%w after %s", errWriteQueueTimeout, q.timeout)
	}
}

// release gives the slot to the first waiting writer, if any.
func (q *writeQueue) release() {
	<-q.slot
}
