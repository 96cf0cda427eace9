package content

import (
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"smtpcodes.dev/internal/smtp"
)

// Ref names a defining document and section, e.g. RFC 5321 §4.2.3.
// Context is "" for the base protocol, or the extension a meaning belongs
// to ("auth", "starttls", "smtputf8", …) when a code has several.
type Ref struct {
	Doc     string `toml:"doc"`
	Section string `toml:"section"`
	Context string `toml:"context"`
}

func (r Ref) String() string {
	if r.Section == "" {
		return r.Doc
	}
	return r.Doc + " §" + r.Section
}

// Def is one defined meaning of a basic code: where it is defined and the
// reply text that document gives.
type Def struct {
	Ref
	Text string `toml:"text"`
	// Example says the document gives no text: Text is example wording.
	Example bool `toml:"example"`
	// Sic says Text keeps a misspelling of the document's.
	Sic bool `toml:"sic"`
}

// BasicFact is one entry of facts/basic.toml.
type BasicFact struct {
	Code   string       `toml:"code"`
	Phases []smtp.Phase `toml:"phases"`
	Defs   []Def        `toml:"def"`
}

// RegistryEntry is one entry of facts/enhanced.toml: an enumerated code of
// the IANA SMTP Enhanced Status Codes registry.
type RegistryEntry struct {
	Code    string   `toml:"code"` // "X.7.26"
	Name    string   `toml:"name"` // the registry's sample text, verbatim
	Basic   string   `toml:"basic"`
	Refs    []string `toml:"refs"`
	Classes []int    `toml:"classes"`
	Status  string   `toml:"status"` // "", "deprecated" or "draft"
	See     string   `toml:"see"`
}

// BasicCodes returns the three-digit codes the registry's "associated basic
// status code" column names ("250 or 251" gives 250 and 251; "5XX" none).
func (e RegistryEntry) BasicCodes() []string {
	return basicInText.FindAllString(e.Basic, -1)
}

var basicInText = regexp.MustCompile(`\b[2-5][0-9][0-9]\b`)

// ProviderCode is one entry of facts/providers.toml: an enhanced code as a
// provider documents it.
type ProviderCode struct {
	Code         string `toml:"code"` // "X.7.27"
	Provider     string `toml:"provider"`
	Classes      []int  `toml:"classes"`
	Doc          string `toml:"doc"` // the provider's documentation giving this meaning
	ProviderName string `toml:"-"`
}

// Facts is the project's transcription of the authoritative data: what the
// content is checked against.
type Facts struct {
	Basic    []BasicFact
	Registry []RegistryEntry
	// Providers is the one list of receiving systems the site knows.
	Providers     smtp.Providers
	ProviderCodes []ProviderCode
}

// Basic returns the facts of a basic code.
func (f *Facts) basic(code string) (BasicFact, bool) {
	i := slices.IndexFunc(f.Basic, func(b BasicFact) bool { return b.Code == code })
	if i < 0 {
		return BasicFact{}, false
	}
	return f.Basic[i], true
}

func (f *Facts) entry(code string) (RegistryEntry, bool) {
	i := slices.IndexFunc(f.Registry, func(e RegistryEntry) bool { return e.Code == code })
	if i < 0 {
		return RegistryEntry{}, false
	}
	return f.Registry[i], true
}

// isRegistryCode reports whether s names a registry entry for every
// class: "X.7.26".
func isRegistryCode(s string) bool {
	rest, ok := strings.CutPrefix(s, "X.")
	return ok && smtp.IsEnhanced("5."+rest)
}

// LoadFacts reads facts/basic.toml and facts/enhanced.toml from fsys and
// checks them for internal consistency.
func LoadFacts(fsys fs.FS) (*Facts, error) {
	var basic struct {
		Code []BasicFact `toml:"code"`
	}
	if err := decodeStrict(fsys, "facts/basic.toml", &basic); err != nil {
		return nil, err
	}
	var registry struct {
		Entry []RegistryEntry `toml:"entry"`
	}
	if err := decodeStrict(fsys, "facts/enhanced.toml", &registry); err != nil {
		return nil, err
	}
	var providers struct {
		Provider []smtp.Provider `toml:"provider"`
		Entry    []ProviderCode  `toml:"entry"`
	}
	if err := decodeStrict(fsys, "facts/providers.toml", &providers); err != nil {
		return nil, err
	}
	f := &Facts{Basic: basic.Code, Registry: registry.Entry, Providers: providers.Provider, ProviderCodes: providers.Entry}
	seen := map[string]bool{}
	for _, b := range f.Basic {
		switch {
		case !smtp.IsBasic(b.Code):
			return nil, fmt.Errorf("facts/basic.toml: %q is not a basic reply code", b.Code)
		case seen[b.Code]:
			return nil, fmt.Errorf("facts/basic.toml: %s listed twice", b.Code)
		case len(b.Defs) == 0:
			return nil, fmt.Errorf("facts/basic.toml: %s has no def", b.Code)
		case len(b.Phases) == 0:
			return nil, fmt.Errorf("facts/basic.toml: %s has no phases", b.Code)
		}
		seen[b.Code] = true
		for _, p := range b.Phases {
			if !p.Valid() {
				return nil, fmt.Errorf("facts/basic.toml: %s: unknown phase %q", b.Code, p)
			}
		}
	}
	for _, e := range f.Registry {
		switch {
		case !isRegistryCode(e.Code):
			return nil, fmt.Errorf("facts/enhanced.toml: %q is not of the form X.subject.detail", e.Code)
		case seen[e.Code]:
			return nil, fmt.Errorf("facts/enhanced.toml: %s listed twice", e.Code)
		case len(e.Refs) == 0 || len(e.Classes) == 0:
			return nil, fmt.Errorf("facts/enhanced.toml: %s needs refs and classes", e.Code)
		case e.Status != "" && e.Status != "deprecated" && e.Status != "draft":
			return nil, fmt.Errorf("facts/enhanced.toml: %s: unknown status %q", e.Code, e.Status)
		}
		seen[e.Code] = true
		for _, c := range e.Classes {
			if c != 2 && c != 4 && c != 5 {
				return nil, fmt.Errorf("facts/enhanced.toml: %s: class %d is not 2, 4 or 5", e.Code, c)
			}
		}
	}
	if err := checkProviders(f.Providers); err != nil {
		return nil, fmt.Errorf("facts/providers.toml: %w", err)
	}
	for i := range f.ProviderCodes {
		pc := &f.ProviderCodes[i]
		j := slices.IndexFunc(f.Providers, func(p smtp.Provider) bool { return p.ID == pc.Provider })
		switch {
		case j < 0:
			return nil, fmt.Errorf("facts/providers.toml: %s: unknown provider %q", pc.Code, pc.Provider)
		case !isRegistryCode(pc.Code) || len(pc.Classes) == 0 || pc.Doc == "":
			return nil, fmt.Errorf("facts/providers.toml: %s by %s needs a code X.subject.detail, classes and doc", pc.Code, pc.Provider)
		}
		pc.ProviderName = f.Providers[j].Name
	}
	return f, nil
}

// decodeStrict decodes a TOML file, rejecting keys v has no field for.
func decodeStrict(fsys fs.FS, name string, v any) error {
	buf, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	return decodeStrictBytes(name, buf, v)
}

// decodeStrictBytes decodes TOML read from the file name.
func decodeStrictBytes(name string, buf []byte, v any) error {
	md, err := toml.Decode(string(buf), v)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if extra := md.Undecoded(); len(extra) > 0 {
		return fmt.Errorf("%s: unknown key %q", name, extra[0].String())
	}
	return nil
}

var providerIDRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// checkProviders validates the list of receiving systems.
func checkProviders(ps smtp.Providers) error {
	seen := map[string]bool{}
	for _, p := range ps {
		switch {
		case !providerIDRE.MatchString(p.ID):
			return fmt.Errorf("provider id %q: want lowercase letters, digits and hyphens", p.ID)
		case seen[p.ID]:
			return fmt.Errorf("provider %s listed twice", p.ID)
		case strings.TrimSpace(p.Name) == "":
			return fmt.Errorf("provider %s has no name", p.ID)
		case !slices.Contains(smtp.ProviderKinds, p.Kind):
			return fmt.Errorf("provider %s: kind %q is not one of %v", p.ID, p.Kind, smtp.ProviderKinds)
		}
		seen[p.ID] = true
		for _, h := range p.Hosts {
			if h == "" || h != strings.ToLower(h) || strings.ContainsAny(h, " */") {
				return fmt.Errorf("provider %s: host %q: want a lower-case domain name (suffixes match)", p.ID, h)
			}
		}
		for _, m := range p.Markers {
			if strings.TrimSpace(m) == "" {
				return fmt.Errorf("provider %s: empty marker", p.ID)
			}
		}
	}
	return nil
}
