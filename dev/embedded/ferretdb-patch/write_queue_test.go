// Run by hookflow's unit tests (test/unit/dev/ferretdb-write-queue.test.ts) on this file alone,
// before the installer puts write_queue.go into FerretDB's source.

package fsql

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// settle gives a goroutine just started the moment it needs to block in acquire: Go does not
// expose a channel's queue of waiting senders, so a test cannot wait for it directly.
func settle() {
	time.Sleep(30 * time.Millisecond)
}

func TestOneWriterAtATime(t *testing.T) {
	q := newWriteQueue(time.Minute)
	if err := q.acquire(context.Background()); err != nil {
		t.Fatalf("first acquire: %v", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := q.acquire(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a second writer got %v while the first held the slot; want a deadline error", err)
	}

	q.release()
	if err := q.acquire(context.Background()); err != nil {
		t.Fatalf("acquire after release: %v", err)
	}
	q.release()
}

func TestWritersGetTheirTurnInArrivalOrder(t *testing.T) {
	q := newWriteQueue(time.Minute)
	if err := q.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}

	const writers = 6
	var mu sync.Mutex
	var order []int
	var wg sync.WaitGroup
	for i := 0; i < writers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if err := q.acquire(context.Background()); err != nil {
				t.Errorf("writer %d: %v", i, err)
				return
			}
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
			q.release()
		}(i)
		settle() // writer i waits before writer i+1 arrives
	}

	q.release()
	wg.Wait()
	for i, got := range order {
		if got != i {
			t.Fatalf("writers got the slot in the order %v; want 0..%d", order, writers-1)
		}
	}
	if len(order) != writers {
		t.Fatalf("%d of %d writers wrote", len(order), writers)
	}
}

func TestAWriterWhoseClientWentAwayLeavesTheQueue(t *testing.T) {
	q := newWriteQueue(time.Minute)
	if err := q.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	gone := make(chan error, 1)
	go func() { gone <- q.acquire(ctx) }()
	settle()

	behind := make(chan error, 1)
	go func() { behind <- q.acquire(context.Background()) }()
	settle()

	cancel()
	select {
	case err := <-gone:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("the cancelled writer got %v; want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the cancelled writer still waits")
	}

	q.release()
	select {
	case err := <-behind:
		if err != nil {
			t.Fatalf("the writer behind it: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the writer behind the cancelled one never got the slot")
	}
	q.release()

	// The slot is free again: the cancelled writer took nothing with it.
	if err := q.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestAWaitEndsAfterTheQueueTimeout(t *testing.T) {
	q := newWriteQueue(40 * time.Millisecond)
	if err := q.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}

	started := time.Now()
	err := q.acquire(context.Background())
	if !errors.Is(err, errWriteQueueTimeout) {
		t.Fatalf("got %v; want the queue's timeout error", err)
	}
	if waited := time.Since(started); waited < 40*time.Millisecond {
		t.Fatalf("gave up after %s, before the timeout", waited)
	}
}
