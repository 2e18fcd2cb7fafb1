package main

import (
	"sort"
	"time"
)

// roundTrip is the shortest time in which a client can read an answer and
// send a request that depends on it, a round trip on a fast network. On
// loopback an answer leaves within microseconds, so requests sent together
// but a few hundred microseconds apart (Deno's fetch sends those that waited
// for the first connection a little after the first, strace shows all of
// them leaving before any answer arrives) would otherwise count as a chain.
const roundTrip = time.Millisecond

// take returns what was served since the last take, and forgets it.
func (s *standIn) take() stats {
	s.mu.Lock()
	taken, connections := s.served, s.connections
	s.served, s.connections = nil, 0
	now := time.Now()
	ends := make(map[*served]time.Time, len(taken))
	for _, request := range taken {
		// An answer still being written when the client has gone ends now.
		ends[request] = request.end
		if request.end.IsZero() {
			ends[request] = now
		}
	}
	s.mu.Unlock()
	result := stats{Connections: connections, Protocols: []string{}, Failures: []int{}}
	sort.Slice(taken, func(i, j int) bool { return taken[i].start.Before(taken[j].start) })
	depth := make([]int, len(taken))
	protocols := map[string]bool{}
	for i, request := range taken {
		result.Requests++
		result.AnswerBytes += request.bytes
		if request.status != 200 {
			result.Failures = append(result.Failures, request.status)
		}
		if !protocols[request.protocol] {
			protocols[request.protocol] = true
			result.Protocols = append(result.Protocols, request.protocol)
		}
		before := 0
		for j := range i {
			if !ends[taken[j]].Add(roundTrip).After(request.start) {
				before = max(before, depth[j])
			}
		}
		depth[i] = before + 1
		result.Rounds = max(result.Rounds, depth[i])
	}
	sort.Strings(result.Protocols)
	return result
}
