package sentiment

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Example is one labelled text of an evaluation set.
type Example struct {
	Text string
	Want Label
}

// Set is a labelled evaluation set. A binary set only tells positive from
// not positive.
type Set struct {
	Name     string
	Binary   bool
	Examples []Example
}

// setFiles lists the public reference sets Ripple is measured on, in the
// layout of the shared sentiment data folder.
var setFiles = []struct {
	name, file string
	load       func(path string) ([]Example, error)
	binary     bool
}{
	{"vader_tweets", "tweets_GroundTruth.txt", loadRated(0.05 * 4), false},
	{"vader_tweets_raw", "tweets_GroundTruth.txt", loadRated(0.05), false},
	{"tweeteval_val", "tweeteval_val", loadTweetEval, false},
	{"movie_snippets", "movieReviewSnippets_GroundTruth.txt", loadRated(0.05 * 4), false},
	{"uci_amazon", "amazon.json", loadUCI, true},
	{"uci_imdb", "imdb.json", loadUCI, true},
	{"uci_yelp", "yelp.json", loadUCI, true},
}

// LoadSets reads the reference sets of setFiles from dir; a missing one is
// an error naming it. (A small file read twice for two neutral cuts costs
// less than the code to share it.)
func LoadSets(dir string) ([]Set, error) {
	var sets []Set
	for _, f := range setFiles {
		p := filepath.Join(dir, f.file)
		ex, err := f.load(p)
		if err != nil {
			return nil, fmt.Errorf("sentiment: load %s: %w", f.name, err)
		}
		sets = append(sets, Set{Name: f.name, Binary: f.binary, Examples: ex})
	}
	pool, err := poolSets(filepath.Join(dir, poolDir))
	if err != nil {
		return nil, fmt.Errorf("sentiment: load %s: %w", poolDir, err)
	}
	return append(sets, pool...), nil
}

// loadRated reads VADER's ground-truth files: id<TAB>mean rating (-4..4)
// <TAB>text, labelling a text neutral when its rating is within ±cut. The
// usual cut is 0.05 on the rating normalised to -1..1, that is ±0.2; the
// published VADER accuracy on the tweets (0.922) is reproduced with ±0.05 on
// the raw rating instead, so the tweets are measured both ways.
func loadRated(cut float64) func(path string) ([]Example, error) {
	return func(path string) ([]Example, error) { return readRated(path, cut) }
}

func readRated(path string, cut float64) ([]Example, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var ex []Example
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" {
			continue
		}
		parts := strings.SplitN(line, "\t", 3)
		if len(parts) != 3 {
			return nil, fmt.Errorf("line %d: want id<TAB>rating<TAB>text", n)
		}
		r, err := strconv.ParseFloat(parts[1], 64)
		if err != nil {
			return nil, fmt.Errorf("line %d: rating %q: %w", n, parts[1], err)
		}
		want := Neutral
		switch {
		case r > cut:
			want = Positive
		case r < -cut:
			want = Negative
		}
		ex = append(ex, Example{Text: parts[2], Want: want})
	}
	return ex, sc.Err()
}

// loadTweetEval reads a TweetEval split: val_text.txt and val_labels.txt,
// line by line, labels 0 negative, 1 neutral, 2 positive.
func loadTweetEval(dir string) ([]Example, error) {
	texts, err := os.ReadFile(filepath.Join(dir, "val_text.txt"))
	if err != nil {
		return nil, err
	}
	labels, err := os.ReadFile(filepath.Join(dir, "val_labels.txt"))
	if err != nil {
		return nil, err
	}
	tl := strings.Split(strings.TrimRight(string(texts), "\n"), "\n")
	ll := strings.Split(strings.TrimRight(string(labels), "\n"), "\n")
	if len(tl) != len(ll) {
		return nil, fmt.Errorf("%d texts but %d labels", len(tl), len(ll))
	}
	ex := make([]Example, len(tl))
	for i := range tl {
		var want Label
		switch strings.TrimSpace(ll[i]) {
		case "0":
			want = Negative
		case "1":
			want = Neutral
		case "2":
			want = Positive
		default:
			return nil, fmt.Errorf("val_labels.txt: line %d: label %q is not 0, 1 or 2", i+1, ll[i])
		}
		ex[i] = Example{Text: strings.TrimRight(tl[i], "\r"), Want: want}
	}
	return ex, nil
}

// loadUCI reads a UCI Sentiment Labelled Sentences file as JSON
// [{text, class}], class 1 positive, 0 negative; entries without a class are
// skipped.
func loadUCI(path string) ([]Example, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		Text  string `json:"text"`
		Class *int   `json:"class"`
	}
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(&rows); err != nil {
		return nil, err
	}
	var ex []Example
	for i, r := range rows {
		if r.Class == nil || strings.TrimSpace(r.Text) == "" {
			continue
		}
		switch *r.Class {
		case 0:
			ex = append(ex, Example{Text: r.Text, Want: Negative})
		case 1:
			ex = append(ex, Example{Text: r.Text, Want: Positive})
		default:
			return nil, fmt.Errorf("entry %d: class %d is not 0 or 1", i, *r.Class)
		}
	}
	return ex, nil
}

// Report is how an Analyzer did on one set.
type Report struct {
	Set      string
	Binary   bool
	N        int
	Unscored int
	Accuracy float64
	MacroF1  float64
	// F1 per class: positive, neutral, negative; for a binary set the
	// second class is "not positive" and the third is unused.
	F1          [3]float64
	TextsPerSec float64
}

// Evaluate scores every text of set. Unscored texts count as neutral (or
// "not positive" on a binary set).
func (a *Analyzer) Evaluate(set Set) Report {
	preds := make([]Label, len(set.Examples))
	start := time.Now()
	for i, e := range set.Examples {
		preds[i] = a.Analyze(e.Text).Label
	}
	return report(set, preds, time.Since(start))
}

// report measures the labels preds given to set's texts in took.
func report(set Set, preds []Label, took time.Duration) Report {
	rep := Report{Set: set.Name, Binary: set.Binary, N: len(set.Examples)}
	if d := took.Seconds(); d > 0 {
		rep.TextsPerSec = float64(len(preds)) / d
	}
	class := func(l Label) int {
		switch l {
		case Positive:
			return 0
		case Negative:
			if !set.Binary {
				return 2
			}
		}
		return 1
	}
	var confusion [3][3]int
	for i, e := range set.Examples {
		if preds[i] == Unscored {
			rep.Unscored++
		}
		confusion[class(e.Want)][class(preds[i])]++
	}
	classes := 3
	if set.Binary {
		classes = 2
	}
	correct := 0
	for c := 0; c < classes; c++ {
		correct += confusion[c][c]
		var predicted, actual int
		for o := 0; o < classes; o++ {
			predicted += confusion[o][c]
			actual += confusion[c][o]
		}
		if predicted+actual > 0 {
			rep.F1[c] = 2 * float64(confusion[c][c]) / float64(predicted+actual)
		}
		rep.MacroF1 += rep.F1[c] / float64(classes)
	}
	if rep.N > 0 {
		rep.Accuracy = float64(correct) / float64(rep.N)
	}
	return rep
}
