package main

import (
	"net"
	"sync"
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

// heldConn is a connection whose writes can be held and sent in one write.
type heldConn struct {
	net.Conn
	mu      sync.Mutex
	holding bool
	held    []byte
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
