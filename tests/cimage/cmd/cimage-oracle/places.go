package main

import (
	"os"
	"strings"
)

// places are the process's folders: the empty default $HOME and root, and
// the link that $HOME names, pointed at the home of the request at hand.
type places struct {
	root, home, missingAuthFile string
	homeLink                    string
	linked                      *string
}

// useHome points $HOME at home; it returns a function that reports a path
// under $HOME as one under home.
func (p *places) useHome(home *string) (func(string) string, error) {
	target := p.home
	if home != nil {
		target = *home
	}
	if p.linked == nil || *p.linked != target {
		temporary := p.homeLink + ".new"
		os.Remove(temporary)
		if err := os.Symlink(target, temporary); err != nil {
			return nil, err
		}
		if err := os.Rename(temporary, p.homeLink); err != nil {
			return nil, err
		}
		p.linked = &target
	}
	return func(message string) string { return strings.ReplaceAll(message, p.homeLink, target) }, nil
}
