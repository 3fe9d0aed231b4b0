package importer

import (
	"context"
	"strings"
	"testing"
)

// The import fuzzers feed arbitrary files through the real parser into a real
// store and check the bookkeeping: every line is accepted, a duplicate or
// rejected, and nothing panics.
func fuzzImport(f *testing.F, format Format, seeds []string) {
	for _, s := range seeds {
		f.Add(s)
	}
	st, ws := newStore(f)
	f.Fuzz(func(t *testing.T, file string) {
		sum, err := Import(context.Background(), strings.NewReader(file), st, Options{Workspace: ws, Format: format, ChunkRows: 3})
		if err != nil {
			if format == CSV && strings.Contains(err.Error(), "csv header") {
				return
			}
			t.Fatalf("import failed: %v", err)
		}
		if sum.Accepted+sum.Duplicate+sum.Rejected > sum.Lines {
			t.Fatalf("summary counts more outcomes than lines: %+v", sum)
		}
		for _, r := range sum.Rejects {
			if r.Line < 1 || r.Reason == "" {
				t.Fatalf("reject without a line or reason: %+v", r)
			}
		}
	})
}

func FuzzImportNDJSON(f *testing.F) {
	fuzzImport(f, NDJSON, []string{
		`{"type":"track","event":"Order Completed","userId":"u1","properties":{"revenue":"12"}}`,
		"{\"type\":\"page\",\"anonymousId\":1}\n\n{\"type\":\"alias\"}",
		`{"type":"identify","userId":"u","timestamp":"2026-13-01"}`,
	})
}

func FuzzImportCSV(f *testing.F) {
	fuzzImport(f, CSV, []string{
		"user_id,event,revenue\nu1,Order Completed,3\n",
		"anonymous_id,type,url\na,page,http://x/?utm_source=fb\n\"b\nc\",page,\n",
		"user_id,timestamp\nu,2026-01-01\nv\n",
	})
}
