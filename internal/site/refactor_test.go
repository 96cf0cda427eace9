package site

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// A response that sets the language cookie is never stored by a cache: a
// shared cache would hand one reader's cookie to everyone. Every page the
// switcher links to is tried. (/go and the API carry no switcher.)
func TestCookieResponsesAreNotCached(t *testing.T) {
	h := testHandler(t)
	for _, target := range []string{
		"/", "/codes", "/codes/421", "/codes/5.7.26", "/codes/421.json", "/codes.json",
		"/compare/421-vs-556", "/compare/421-vs-556.json", "/compare/550-vs-5.1.1",
		"/search?q=421", "/search", "/decode", "/decode?text=550+5.1.1+User+unknown",
	} {
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		res := do(t, h, "GET", target+sep+"lang=ja&choose=1", nil)
		cookie := res.header.Get("Set-Cookie")
		if cookie == "" {
			t.Errorf("%s with choose=1 set no cookie (status %d)", target, res.status)
			continue
		}
		if cc := res.header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s sets %q with Cache-Control %q, want no-store", target, cookie, cc)
		}
	}
}

// checkMessages stops the start on every kind of message id that the
// locales lack: in .UI, in .T, and a .UI id that needs template data.
func TestUnknownMessageIDsStopTheStart(t *testing.T) {
	for name, tmpl := range map[string]string{
		"ui field":          `{{define "main"}}{{.UI.no_such_message}}{{end}}`,
		"T call":            `{{define "main"}}{{.T "no_such_message" "Code" 1}}{{end}}`,
		"T call in a range": `{{define "main"}}{{range .Crumbs}}{{$.T "no_such_message"}}{{end}}{{end}}`,
		"ui with data":      `{{define "main"}}{{.UI.code_h1}}{{end}}`,
	} {
		t.Run(name, func(t *testing.T) {
			templates := fstest.MapFS{}
			for _, page := range pageNames {
				data, err := os.ReadFile("../../templates/" + page + ".html")
				if err != nil {
					t.Fatal(err)
				}
				templates[page+".html"] = &fstest.MapFile{Data: data}
			}
			base, err := os.ReadFile("../../templates/base.html")
			if err != nil {
				t.Fatal(err)
			}
			templates["base.html"] = &fstest.MapFile{Data: base}
			templates["error.html"] = &fstest.MapFile{Data: []byte(tmpl)}
			real := newTestServer(t, Config{})
			_, err = New(Config{Content: real.store, Locales: real.locales, Templates: templates, Static: os.DirFS("../../static")})
			want := "no_such_message"
			if name == "ui with data" {
				want = "code_h1"
			}
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("New = %v, want an error naming %s", err, want)
			}
		})
	}
}

// Go code names messages only through the constants and functions of
// messages.go, so that checkMessages sees every one: no literal id is
// passed to T, N or UI, and every constant is in goMessages.
func TestGoCodeUsesMessageConstants(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	consts := map[string]string{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				if ok && (sel.Sel.Name == "T" || sel.Sel.Name == "N") && len(n.Args) > 0 {
					if lit, ok := n.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						t.Errorf("%s: %s(%s): name the message with a constant of messages.go", fset.Position(n.Pos()), sel.Sel.Name, lit.Value)
					}
				}
			case *ast.IndexExpr:
				if sel, ok := n.X.(*ast.SelectorExpr); ok && sel.Sel.Name == "UI" {
					t.Errorf("%s: UI[…] in Go code: use T with a constant of messages.go", fset.Position(n.Pos()))
				}
			case *ast.ValueSpec:
				for i, id := range n.Names {
					if strings.HasPrefix(id.Name, "msg") && i < len(n.Values) {
						if lit, ok := n.Values[i].(*ast.BasicLit); ok {
							v, _ := strconv.Unquote(lit.Value)
							consts[id.Name] = v
						}
					}
				}
			}
			return true
		})
	}
	for name, id := range consts {
		if !slices.Contains(goMessages, id) {
			t.Errorf("%s = %q is not in goMessages, so the start does not check it", name, id)
		}
	}
	if len(consts) != len(goMessages) {
		t.Errorf("%d msg constants, %d ids in goMessages", len(consts), len(goMessages))
	}
}

func TestSnippet(t *testing.T) {
	doc := func(body string) *searchDoc {
		f := newFolder()
		return &searchDoc{body: f.text(body), summary: f.text("The summary.")}
	}
	text := func(parts []snippetPart) string {
		var b strings.Builder
		for _, p := range parts {
			if p.Mark {
				b.WriteString("[" + p.Text + "]")
			} else {
				b.WriteString(p.Text)
			}
		}
		return b.String()
	}
	long := strings.Repeat("filler words ", 20)
	for _, tc := range []struct {
		name, body string
		terms      []string
		want       string
	}{
		{"marks every match", "The mailbox is full; the mailbox quota applies.", []string{"mailbox"}, "The [mailbox] is full; the [mailbox] quota applies."},
		{"keeps the case of the page", "Greylisting: Try Again Later", []string{"try again"}, "Greylisting: [Try Again] Later"},
		{"cuts around the first match", long + "the relay was denied here. " + long, []string{"relay"}, "…"},
		{"no match: the summary", "Nothing here.", []string{"absent"}, "The summary."},
		{"japanese substring", "受信者のメールボックスが一杯です。", []string{"メールボックス"}, "受信者の[メールボックス]が一杯です。"},
		{"two terms", "Relay access denied for this client.", []string{"denied", "relay"}, "[Relay] access [denied] for this client."},
		{"accents shown as written", "La réponse du serveur: RÉPONSE refusée.", []string{"reponse"}, "La [réponse] du serveur: [RÉPONSE] refusée."},
		{"ß folds to two letters", "Die Größe übersteigt das Größenlimit.", []string{"grosse", "ubersteigt"}, "Die [Größe] [übersteigt] das [Größe]nlimit."},
		{"half of ß marks it whole", "Maße", []string{"mas"}, "[Maß]e"},
		{"ё", "Ещё раз: ёмкость ящика", []string{"емкость"}, "Ещё раз: [ёмкость] ящика"},
		{"after a folded rune", "Código 550: código de estado", []string{"estado"}, "Código 550: código de [estado]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := text(snippet(doc(tc.body), tc.terms))
			switch {
			case tc.want == "…":
				if !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") || !strings.Contains(got, "[relay]") || len([]rune(got)) > 170 {
					t.Errorf("snippet = %q, want about 160 characters around [relay] with ellipses", got)
				}
			case got != tc.want:
				t.Errorf("snippet = %q, want %q", got, tc.want)
			}
		})
	}
}

// The export stops at the first file it cannot write and says which.
func TestExportStopsAtFirstError(t *testing.T) {
	s := testHandler(t).(*Server)
	dir := t.TempDir()
	// A file where the export needs the directory "en".
	if err := os.WriteFile(filepath.Join(dir, "en"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := s.Export(ExportOptions{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "en") {
		t.Fatalf("Export = %v, want an error naming the en directory", err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "ja", "compare"))
	if len(entries) > 1000 || st.Pages != 0 {
		t.Errorf("after the error the export went on: %d ja compare files, stats %+v", len(entries), st)
	}
}
