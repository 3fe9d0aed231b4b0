package spikes

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ripple/internal/refdata"
)

// nabSeries is one series of the Numenta Anomaly Benchmark.
type nabSeries struct {
	category, name string
	rows           []Row
}

// kind is Counts when every value is a non-negative whole number (taxi
// rides, requests), else Values (CPU load, temperatures, prices).
func (s nabSeries) kind() Kind {
	for _, r := range s.rows {
		if r.Value < 0 || r.Value != math.Trunc(r.Value) {
			return Values
		}
	}
	return Counts
}

// loadNAB reads every CATEGORY/FILE.csv under dir, failing the test on a
// file that ParseCSV refuses: every series of the benchmark must be read.
func loadNAB(t *testing.T, dir string) []nabSeries {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*", "*.csv"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(paths)
	var out []nabSeries
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := ParseCSV(f)
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		out = append(out, nabSeries{filepath.Base(filepath.Dir(p)), filepath.Base(p), rows})
	}
	return out
}

// TestNAB runs the detector over the Numenta Anomaly Benchmark's series
// and prints the benchmark's standard-profile score from its scorer, as
// NAB counts it: only the first alert inside a labelled window counts,
// every alert outside one costs. It prints the score of the development
// half the tunables were chosen on (the even-numbered files of each
// category, by name), of the other half, and of all series; then, for
// comparison, the score when every anomalous interval is reported.
//
// It skips when the data or the scorer is absent. RIPPLE_NAB_DIR points it
// at another copy of the benchmark's data folder.
func TestNAB(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the whole benchmark")
	}
	dir := os.Getenv("RIPPLE_NAB_DIR")
	if dir == "" {
		dir = refdata.Path(t, "anomaly/nab")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	root, err := refdata.Root()
	if err != nil {
		t.Skip(err)
	}
	scorer := filepath.Join(root, "..", "shared", "tools", "nab-score")
	if _, err := os.Stat(scorer); err != nil {
		t.Skipf("NAB scorer absent: %v", err)
	}
	series := loadNAB(t, dir)
	if len(series) == 0 {
		t.Fatalf("no series under %s", dir)
	}
	work := t.TempDir()
	alerts, every := filepath.Join(work, "alerts"), filepath.Join(work, "every")
	var nAlerts, nFlags, nRepeats int
	for _, s := range series {
		rep, err := Detect(s.rows, Config{Kind: s.kind(), Direction: Both})
		if err != nil {
			t.Errorf("%s/%s: %v", s.category, s.name, err)
			continue
		}
		var a, e bytes.Buffer
		for _, al := range rep.Alerts {
			fmt.Fprintf(&a, "%s,%.2f\n", al.Row.Stamp, al.Episode.Score)
		}
		for _, f := range rep.Flags {
			fmt.Fprintf(&e, "%s,%.2f\n", f.Row.Stamp, f.Point.Score)
		}
		nAlerts += len(rep.Alerts)
		nFlags += len(rep.Flags)
		nRepeats += len(rep.Repeats)
		writeFile(t, filepath.Join(alerts, s.category, s.name), a.Bytes())
		writeFile(t, filepath.Join(every, s.category, s.name), e.Bytes())
	}
	t.Logf("%d series read (%d repeated timestamps merged); %d alerts, %d anomalous intervals", len(series), nRepeats, nAlerts, nFlags)

	// The halves are folders of links to the series, which the scorer
	// reads like the whole benchmark.
	halves := map[string]string{"development": filepath.Join(work, "dev"), "held-out": filepath.Join(work, "test")}
	n := map[string]int{}
	for _, s := range series {
		half := halves["development"]
		if n[s.category]%2 == 1 {
			half = halves["held-out"]
		}
		n[s.category]++
		link(t, filepath.Join(dir, s.category, s.name), filepath.Join(half, s.category, s.name))
	}
	for _, h := range halves {
		link(t, filepath.Join(dir, "combined_windows.json"), filepath.Join(h, "combined_windows.json"))
	}
	score := func(data, det string) string {
		out, err := exec.Command(scorer, data, det).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", scorer, err, out)
		}
		if !strings.Contains(string(out), "total: score") {
			t.Fatalf("scorer printed no total:\n%s", out)
		}
		return string(out)
	}
	t.Logf("development half (tunables chosen here), one line per alert:\n%s", score(halves["development"], alerts))
	t.Logf("held-out half, one line per alert:\n%s", score(halves["held-out"], alerts))
	t.Logf("all series, one line per alert:\n%s", score(dir, alerts))
	t.Logf("all series, every anomalous interval (--every):\n%s", score(dir, every))
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func link(t *testing.T, target, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
}
