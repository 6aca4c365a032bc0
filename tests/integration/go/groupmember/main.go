// Command groupmember is one member of a consumer group with franz-go, for the group tests
// (the Go twin of java/GroupMember.java). It subscribes, writes down every record it
// processes, and commits synchronously after each poll and before partitions are revoked.
//
// Usage: groupmember BOOTSTRAP TOPIC GROUP OUT_FILE STOP_FILE MAX_SECONDS [balancer]
//
// balancer is cooperative-sticky (franz-go's default), range or roundrobin. OUT_FILE lines:
// "R partition offset key", "ASSIGNED p,p", "REVOKED p,p", "COMMITTED n", "CLOSED".
package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

var (
	mu  sync.Mutex
	out *bufio.Writer
)

func logf(format string, args ...any) {
	mu.Lock()
	defer mu.Unlock()
	fmt.Fprintf(out, format+"\n", args...)
	out.Flush()
}

func partitions(m map[string][]int32) string {
	var ps []int
	for _, parts := range m {
		for _, p := range parts {
			ps = append(ps, int(p))
		}
	}
	sort.Ints(ps)
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = strconv.Itoa(p)
	}
	return strings.Join(s, ",")
}

func main() {
	if len(os.Args) < 7 {
		fmt.Fprintln(os.Stderr, "usage: groupmember BOOTSTRAP TOPIC GROUP OUT_FILE STOP_FILE MAX_SECONDS [balancer]")
		os.Exit(2)
	}
	bootstrap, topic, group, outPath, stopPath := os.Args[1], os.Args[2], os.Args[3], os.Args[4], os.Args[5]
	seconds, err := strconv.Atoi(os.Args[6])
	if err != nil {
		os.Exit(2)
	}
	deadline := time.Now().Add(time.Duration(seconds) * time.Second)
	f, err := os.Create(outPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	out = bufio.NewWriter(f)

	balancer := kgo.CooperativeStickyBalancer()
	if len(os.Args) > 7 {
		switch os.Args[7] {
		case "range":
			balancer = kgo.RangeBalancer()
		case "roundrobin":
			balancer = kgo.RoundRobinBalancer()
		}
	}
	var client *kgo.Client
	client, err = kgo.NewClient(
		kgo.SeedBrokers(bootstrap),
		kgo.ConsumerGroup(group),
		kgo.ConsumeTopics(topic),
		kgo.Balancers(balancer),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.DisableAutoCommit(),
		kgo.BlockRebalanceOnPoll(),
		kgo.SessionTimeout(10*time.Second),
		kgo.HeartbeatInterval(time.Second),
		kgo.OnPartitionsAssigned(func(_ context.Context, _ *kgo.Client, m map[string][]int32) {
			logf("ASSIGNED %s", partitions(m))
		}),
		kgo.OnPartitionsRevoked(func(ctx context.Context, cl *kgo.Client, m map[string][]int32) {
			if err := cl.CommitUncommittedOffsets(ctx); err != nil {
				logf("COMMIT-FAILED %v", err)
			}
			logf("REVOKED %s", partitions(m))
		}),
		kgo.OnPartitionsLost(func(_ context.Context, _ *kgo.Client, m map[string][]int32) {
			logf("REVOKED %s", partitions(m))
		}),
	)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for time.Now().Before(deadline) {
		if _, err := os.Stat(stopPath); err == nil {
			break
		}
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		fetches := client.PollFetches(ctx)
		cancel()
		n := 0
		fetches.EachRecord(func(r *kgo.Record) {
			logf("R %d %d %s", r.Partition, r.Offset, string(r.Key))
			n++
		})
		if n > 0 {
			if err := client.CommitUncommittedOffsets(context.Background()); err != nil {
				logf("COMMIT-FAILED %v", err)
			} else {
				logf("COMMITTED %d", n)
			}
		}
		client.AllowRebalance()
	}
	if err := client.CommitUncommittedOffsets(context.Background()); err != nil {
		logf("COMMIT-FAILED %v", err)
		os.Exit(1)
	}
	client.Close() // Leaves the group.
	logf("CLOSED")
}
