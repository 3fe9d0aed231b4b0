package channel

import (
	"os"
	"strings"
	"testing"
)

// docTable returns the cells of every row of the table under the heading
// of docs/events.md, without backticks, the header left out.
func docTable(t *testing.T, heading string) [][]string {
	t.Helper()
	b, err := os.ReadFile("../../docs/events.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n"+heading+"\n")
	if !ok {
		t.Fatalf("docs/events.md: no heading %q", heading)
	}
	var rows [][]string
	for _, line := range strings.Split(section, "\n") {
		if strings.HasPrefix(line, "#") {
			break
		}
		if !strings.HasPrefix(line, "|") || strings.HasPrefix(line, "|---") {
			continue
		}
		var row []string
		for _, cell := range strings.Split(strings.Trim(line, "|"), "|") {
			row = append(row, strings.Trim(strings.TrimSpace(cell), "`"))
		}
		rows = append(rows, row)
	}
	if len(rows) < 2 {
		t.Fatalf("docs/events.md: no table under %q", heading)
	}
	return rows[1:]
}

func firstCells(rows [][]string) []string {
	var cells []string
	for _, r := range rows {
		cells = append(cells, r[0])
	}
	return cells
}

func TestDocGroups(t *testing.T) {
	doc := firstCells(docTable(t, "### Channel groups"))
	for _, g := range doc {
		if !contains(Groups, g) {
			t.Errorf("docs/events.md lists group %q, which Derive never returns", g)
		}
	}
	for _, g := range Groups {
		if !contains(doc, g) {
			t.Errorf("group %q is missing from docs/events.md", g)
		}
	}
}

func TestDocPlatforms(t *testing.T) {
	rows := docTable(t, "### Platforms")
	for _, row := range rows {
		if len(row) != 4 {
			t.Errorf("docs/events.md: platform row %q: want 4 cells", row)
			continue
		}
		p := row[0]
		if !contains(Platforms, p) {
			t.Errorf("docs/events.md lists platform %q, which is not in Platforms", p)
		}
		c := Derive(Signals{Explicit: p})
		if have, want := string(c.Ownership), row[2]; have != want {
			t.Errorf("platform %q: default ownership is %q, docs/events.md says %q", p, have, want)
		}
		if have, want := pick(c.Skippable, "yes", "no"), row[3]; have != want {
			t.Errorf("platform %q: skippable is %q, docs/events.md says %q", p, have, want)
		}
	}
	doc := firstCells(rows)
	for _, p := range Platforms {
		if !contains(doc, p) {
			t.Errorf("platform %q is missing from docs/events.md", p)
		}
		if have := Derive(Signals{Explicit: p}).Platform; have != p {
			t.Errorf("Derive(Explicit %q).Platform: have %q, want %q", p, have, p)
		}
	}
}
