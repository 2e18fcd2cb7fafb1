package main

import (
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// countingListener counts the connections it accepts, sets TCP_NODELAY on
// each and hands them out as heldConns.
type countingListener struct {
	net.Listener
	s *standIn
}

func (l countingListener) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	_ = conn.(*net.TCPConn).SetNoDelay(true)
	l.s.mu.Lock()
	l.s.connections++
	l.s.mu.Unlock()
	return &heldConn{Conn: conn}, nil
}

// heldConn is a connection whose writes can be held and sent in one write,
// and which remembers when bytes last arrived on it.
type heldConn struct {
	net.Conn
	mu      sync.Mutex
	holding bool
	held    []byte
	// lastRead is when the last read that returned bytes ended (Unix nanoseconds).
	lastRead atomic.Int64
}

func (c *heldConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.lastRead.Store(time.Now().UnixNano())
	}
	return n, err
}

// arrivedBy is when a request whose handler starts at start arrived at the
// latest: the end of the last read before it. Go's HTTP/2 server starts a
// handler some time after its HEADERS frame was read (up to half a
// millisecond in traces here, after other frames were handled), which on
// loopback is long enough for another stream's answer to leave first.
func (c *heldConn) arrivedBy(start time.Time) time.Time {
	last := c.lastRead.Load()
	if last == 0 || last > start.UnixNano() {
		return start
	}
	return time.Unix(0, last)
}

type heldKey struct{}

func (c *heldConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.holding {
		c.held = append(c.held, p...)
		return len(p), nil
	}
	return c.Conn.Write(p)
}

func (c *heldConn) hold() {
	c.mu.Lock()
	c.holding = true
	c.mu.Unlock()
}

func (c *heldConn) send() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.holding = false
	if len(c.held) > 0 {
		_, _ = c.Conn.Write(c.held)
		c.held = c.held[:0]
	}
}
