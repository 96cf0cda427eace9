package smtp

import "strings"

// Provider is a receiving system whose replies the site knows: a mailbox
// provider, a filtering gateway, or a mail server program's defaults.
type Provider struct {
	ID   string `toml:"id"`   // "gmail": in URLs, data and the decoder's findings
	Name string `toml:"name"` // "Gmail", as readers know it
	// Kind is "mailbox", "gateway" or "mta".
	Kind string `toml:"kind"`
	// Website is its home or postmaster page.
	Website string `toml:"website"`
	// Hosts are domain names that identify the system in a bounce (a
	// Remote-MTA, a "host … said", a banner): a host matches when it is
	// one of them or ends in "." and one of them.
	Hosts []string `toml:"hosts"`
	// Markers are words its replies or its bounces carry ("gsmtp",
	// "Remote Server returned").
	Markers []string `toml:"markers"`
}

// Kinds of providers.
var ProviderKinds = []string{"mailbox", "gateway", "mta"}

// Providers is the list of known systems. Its order settles ties: when two
// systems are named at the same place, the first in the list wins.
type Providers []Provider

// Get returns the provider with the given id.
func (ps Providers) Get(id string) (Provider, bool) {
	for _, p := range ps {
		if p.ID == id {
			return p, true
		}
	}
	return Provider{}, false
}

// Named returns the id of the provider that text names first (see
// Namer); for many texts, build a Namer once.
func (ps Providers) Named(text string) string { return ps.Namer().Named(text) }

// Namer finds the providers a text names. It is built once from the list
// (Providers.Namer) because the decoder asks it about every line of a
// reply: a host is looked up by its name's suffixes in a map, not
// searched for one by one.
type Namer struct {
	hosts   map[string]int // lower-case host → index in the list
	markers []namerMarker
	ids     []string
}

type namerMarker struct {
	word  string // lower case
	index int
}

// Namer returns the Namer of the list.
func (ps Providers) Namer() *Namer {
	n := &Namer{hosts: map[string]int{}}
	for i, p := range ps {
		n.ids = append(n.ids, p.ID)
		for _, h := range p.Hosts {
			h = strings.ToLower(h)
			if _, dup := n.hosts[h]; !dup {
				n.hosts[h] = i
			}
		}
		for _, m := range p.Markers {
			n.markers = append(n.markers, namerMarker{strings.ToLower(m), i})
		}
	}
	return n
}

// Named returns the id of the provider that text names first: the
// earliest of its hosts or markers to appear in text as a whole word,
// case-insensitively, or "". A host is named by a host name that is it or
// ends in "." and it ("mx1.google.com"), not by one it merely starts
// ("google.com.example") or ends ("notgoogle.com"). When two are named at
// the same place, the first in the list wins.
func (n *Namer) Named(text string) string {
	if text == "" {
		return ""
	}
	low := strings.ToLower(text)
	best, at := -1, len(low)+1
	pick := func(i, pos int) {
		if pos < at || pos == at && i < best {
			best, at = i, pos
		}
	}
	// Host names: maximal runs of letters, digits, dots and dashes, and
	// each suffix of one that starts at a label.
	for i := 0; i < len(low); {
		if !hostByte(low[i]) {
			i++
			continue
		}
		j := i
		for j < len(low) && hostByte(low[j]) {
			j++
		}
		name := strings.TrimRight(low[i:j], ".-")
		for k := 0; k < len(name) && i+k < at; {
			if p, ok := n.hosts[name[k:]]; ok {
				pick(p, i+k)
				break
			}
			dot := strings.IndexByte(name[k:], '.')
			if dot < 0 {
				break
			}
			k += dot + 1
		}
		i = j
	}
	for _, m := range n.markers {
		if pos := wordIndex(low, m.word); pos >= 0 {
			pick(m.index, pos)
		}
	}
	if best < 0 {
		return ""
	}
	return n.ids[best]
}

func hostByte(c byte) bool { return isAlnum(c) || c == '.' || c == '-' }

// wordIndex returns the first index of w in s where w is not part of a
// longer word: the characters on either side are not letters, digits or
// "_", and a host name does not continue into a longer one ("google.com"
// does not match inside "google.com.example"), or -1.
func wordIndex(s, w string) int {
	if w == "" {
		return -1
	}
	for off := 0; ; {
		i := strings.Index(s[off:], w)
		if i < 0 {
			return -1
		}
		i += off
		end := i + len(w)
		before := i == 0 || !wordByte(s[i-1])
		after := end == len(s) || !wordByte(s[end])
		if after && end+1 < len(s) && s[end] == '.' && wordByte(s[end+1]) && strings.Contains(w, ".") {
			after = false // the host name goes on
		}
		if before && after {
			return i
		}
		off = i + 1
	}
}

func wordByte(c byte) bool { return isAlnum(c) || c == '_' }

// HostOf reports whether host is one of the provider's hosts or a
// subdomain of one.
func (p Provider) HostOf(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	for _, h := range p.Hosts {
		h = strings.ToLower(h)
		if host == h || strings.HasSuffix(host, "."+h) {
			return true
		}
	}
	return false
}
