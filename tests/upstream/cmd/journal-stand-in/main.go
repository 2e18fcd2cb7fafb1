// Command journal-stand-in stands in for systemd-journald in the benchmark:
// it binds a datagram socket at each path given as an argument and reads every
// record sent there, as fast as it can, counting records and bytes per socket.
//
// It runs in its own process so that reading never waits on the benchmark's
// event loop (a Deno reader takes about 60 µs a record, which would make the
// logging program wait; this one takes a few). Like journald's socket unit it
// asks for an 8 MiB receive buffer. Records too large for a datagram arrive,
// as journald's native protocol allows, as a file descriptor (SCM_RIGHTS); they
// are read and counted too.
//
// Control, one line per command on stdin, one answer per line on stdout:
//
//	count I   the totals of socket I (0-based) once every record sent to it
//	          before the command has been read: "<records> <bytes> <malformed>"
//
// A record is malformed when it has no MESSAGE field. The program prints
// "ready" once every socket is bound and exits when stdin closes.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// sentinel is the record the control loop sends to learn that a socket's
// queue has been read up to the command.
const sentinel = "BENCH_JOURNAL_SENTINEL=1\n"

type totals struct {
	records, bytes, malformed int64
}

type socket struct {
	conn *net.UnixConn
	path string

	mu      sync.Mutex
	totals  totals
	flushed chan totals
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: journal-stand-in SOCKET...")
		os.Exit(2)
	}
	sockets := make([]*socket, 0, len(os.Args)-1)
	for _, path := range os.Args[1:] {
		_ = os.Remove(path)
		conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
		if err != nil {
			fmt.Fprintf(os.Stderr, "cannot bind %s: %v\n", path, err)
			os.Exit(1)
		}
		_ = conn.SetReadBuffer(8 << 20)
		s := &socket{conn: conn, path: path, flushed: make(chan totals)}
		sockets = append(sockets, s)
		go s.read()
	}
	client, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Net: "unixgram"})
	if err != nil {
		fmt.Fprintf(os.Stderr, "cannot open the control socket: %v\n", err)
		os.Exit(1)
	}
	out := bufio.NewWriter(os.Stdout)
	fmt.Fprintln(out, "ready")
	out.Flush()

	lines := bufio.NewScanner(os.Stdin)
	for lines.Scan() {
		fields := strings.Fields(lines.Text())
		if len(fields) != 2 || fields[0] != "count" {
			fmt.Fprintf(out, "error unknown command %q\n", lines.Text())
			out.Flush()
			continue
		}
		index, err := strconv.Atoi(fields[1])
		if err != nil || index < 0 || index >= len(sockets) {
			fmt.Fprintf(out, "error no socket %q\n", fields[1])
			out.Flush()
			continue
		}
		s := sockets[index]
		address := &net.UnixAddr{Name: s.path, Net: "unixgram"}
		if _, err := client.WriteToUnix([]byte(sentinel), address); err != nil {
			fmt.Fprintf(out, "error %v\n", err)
			out.Flush()
			continue
		}
		t := <-s.flushed
		fmt.Fprintf(out, "%d %d %d\n", t.records, t.bytes, t.malformed)
		out.Flush()
	}
	for _, s := range sockets {
		_ = os.Remove(s.path)
	}
}

// read takes every datagram off the socket until the process ends.
func (s *socket) read() {
	buffer := make([]byte, 1<<20)
	oob := make([]byte, syscall.CmsgSpace(4*4))
	for {
		n, oobn, _, _, err := s.conn.ReadMsgUnix(buffer, oob)
		if err != nil {
			fmt.Fprintf(os.Stderr, "reading %s: %v\n", s.path, err)
			os.Exit(1)
		}
		record := buffer[:n]
		if oobn > 0 {
			record = passedRecords(oob[:oobn])
		}
		if string(record) == sentinel {
			s.mu.Lock()
			t := s.totals
			s.mu.Unlock()
			s.flushed <- t
			continue
		}
		s.mu.Lock()
		s.totals.records++
		s.totals.bytes += int64(len(record))
		if !bytes.HasPrefix(record, []byte("MESSAGE")) && !bytes.Contains(record, []byte("\nMESSAGE")) {
			s.totals.malformed++
		}
		s.mu.Unlock()
	}
}

// passedRecords reads the record held by the file descriptors a sender
// passed (journald's protocol for records larger than a datagram).
func passedRecords(oob []byte) []byte {
	messages, err := syscall.ParseSocketControlMessage(oob)
	if err != nil {
		return nil
	}
	var record []byte
	for _, message := range messages {
		fds, err := syscall.ParseUnixRights(&message)
		if err != nil {
			continue
		}
		for _, fd := range fds {
			file := os.NewFile(uintptr(fd), "passed-record")
			_, _ = file.Seek(0, io.SeekStart)
			content, _ := io.ReadAll(file)
			_ = file.Close()
			record = append(record, content...)
		}
	}
	return record
}
