package main

// kubelet reports a failed lookup only in its log (Lookup returns no
// error): klog's error lines are what an operator sees of a failing
// provider. They are collected here, per lookup, with klog's header
// ("E1129 19:00:00.000000   1234 plugin.go:520] ") taken off.

import (
	"bytes"
	"flag"
	"io"
	"regexp"
	"strings"
	"sync"

	"k8s.io/klog/v2"
)

var klogHeader = regexp.MustCompile(`(?m)^[IWEF]\d{4} \d{2}:\d{2}:\d{2}\.\d{6}\s+\d+ [^\]]+\] `)

type errorLog struct {
	mu     sync.Mutex
	buffer bytes.Buffer
}

func (e *errorLog) Write(p []byte) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.buffer.Write(p)
}

func (e *errorLog) Reset() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.buffer.Reset()
}

// entries are the messages logged since the last Reset, one per klog
// entry; an entry whose message spans lines keeps its line breaks.
func (e *errorLog) entries() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	text := e.buffer.String()
	starts := klogHeader.FindAllStringIndex(text, -1)
	messages := []string{}
	for i, start := range starts {
		end := len(text)
		if i+1 < len(starts) {
			end = starts[i+1][0]
		}
		messages = append(messages, strings.TrimSuffix(text[start[1]:end], "\n"))
	}
	return messages
}

// captureErrors sends klog's errors (and only them) to the returned log.
func captureErrors() *errorLog {
	flags := flag.NewFlagSet("klog", flag.ContinueOnError)
	klog.InitFlags(flags)
	_ = flags.Set("logtostderr", "false")
	_ = flags.Set("stderrthreshold", "FATAL")
	log := &errorLog{}
	klog.SetOutputBySeverity("INFO", io.Discard)
	klog.SetOutputBySeverity("WARNING", io.Discard)
	klog.SetOutputBySeverity("ERROR", log)
	klog.SetOutputBySeverity("FATAL", log)
	return log
}
