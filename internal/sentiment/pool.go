package sentiment

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// poolDir is the folder of the shared sentiment data that holds the SemEval
// Twitter sentiment task's tweets, 2013 to 2016, one file per split.
const poolDir = "semeval_2013_2016"

// The pool's splits, by the held-out design. The tweets of 2016's test
// split are measured on, never trained on by the held-out recipe; 2016's
// devtest split is the development set the design was chosen on, held out
// until then; every other split is trained on.
var (
	poolTrainFiles = []string{
		"twitter-2013train-A.tsv", "twitter-2013dev-A.tsv", "twitter-2013test-A.tsv",
		"twitter-2014test-A.tsv", "twitter-2014sarcasm-A.tsv",
		"twitter-2015train-A.tsv", "twitter-2015test-A.tsv",
		"twitter-2016train-A.tsv", "twitter-2016dev-A.tsv",
	}
	poolDevFile  = "twitter-2016devtest-A.tsv"
	poolTestFile = "twitter-2016test-A.tsv"
)

// brandHandles are the @handles of companies that sell a product or a
// service, and of their support desks, among the handles the pool's tweets
// name. A tweet that names one is a customer's word to a brand: those
// tweets form the brand development set and are never trained on by the
// held-out recipe. News media, sports teams, public figures and artists
// are not brands here: people talk about them, not to a service.
var brandHandles = wordSet(`
	microsoft microsofthelps windows surface xbox xboxsupport skype
	youtube google apple applemusic appstore samsung samsungmobile
	amazon amazonhelp amazonuk flipkart flipkartsupport netflix spotify
	motorola motorolaindia motorolauk motorolasupport nokia blackberryhelp
	tmobile tmobilehelp att vzwsupport sprint sprintsavings comcast
	directvservice virginmedia ee threeuk windmobile
	playstation askplaystation nintendoamerica easportsfifa eaaccess bungie
	bungiehelp treyarch rocksteadygames
	nike nikestore adidasuk starbucks dunkindonuts dunkinboston bwwings
	7eleven target bestbuy cromaretail lexus hp adobe facebook instagram
	twitter support foursquare shazam instapaper wordpressdotcom siriusxm
	tunein ticketmasteruk livenation amctheatres cineworld cineplexmovies
	deltaassist americanair southwestair virginamerica scotrail oyorooms
	draftkings skybet paddypower live_ladbrokes aol`)

func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// addressesBrand reports whether a tweet names a brand's @handle as a
// customer would, to speak to it or of it. Share buttons write "via
// @youtube" or "I liked a @YouTube video", and "RT @Windows" passes on the
// brand's own words: those name the brand, they do not address it.
func addressesBrand(text string) bool {
	for i := 0; i < len(text); i++ {
		if text[i] != '@' {
			continue
		}
		j := i + 1
		for j < len(text) && (isWordByte(text[j]) || text[j] == '_') {
			j++
		}
		h := strings.ToLower(text[i+1 : j])
		if !brandHandles[h] {
			continue
		}
		before := strings.ToLower(text[max(0, i-4):i])
		if strings.HasSuffix(before, "via ") || strings.HasSuffix(before, "rt ") || strings.HasSuffix(before, "/") ||
			h == "youtube" && (hasPrefixFold(text[j:], " video") || hasPrefixFold(text[j:], " playlist")) {
			continue
		}
		return true
	}
	return false
}

// poolTweet is one labelled tweet of the pool.
type poolTweet struct {
	Example
	file string
}

// readPool reads every split of the pool in dir. Files are
// id<TAB>label<TAB>text, labels positive, neutral or negative; a text
// quoted whole by the export that wrote it loses its quotes.
func readPool(dir string) ([]poolTweet, error) {
	var out []poolTweet
	for _, name := range append(append([]string{}, poolTrainFiles...), poolDevFile, poolTestFile) {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		ex, err := parsePool(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for _, e := range ex {
			out = append(out, poolTweet{Example: e, file: name})
		}
	}
	return out, nil
}

// parsePool parses one split of the pool.
func parsePool(r io.Reader) ([]Example, error) {
	var ex []Example
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r\t")
		if line == "" {
			continue
		}
		f := strings.SplitN(line, "\t", 3)
		if len(f) != 3 {
			return nil, fmt.Errorf("line %d: want id<TAB>label<TAB>text, have %d fields", n, len(f))
		}
		var want Label
		switch f[1] {
		case "positive":
			want = Positive
		case "neutral":
			want = Neutral
		case "negative":
			want = Negative
		default:
			return nil, fmt.Errorf("line %d: label %q is not positive, neutral or negative", n, f[1])
		}
		text := f[2]
		if len(text) >= 2 && text[0] == '"' && text[len(text)-1] == '"' {
			text = text[1 : len(text)-1]
		}
		ex = append(ex, Example{Text: text, Want: want})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return ex, nil
}

// The names of the pool's sets.
const (
	SetPoolTrain  = "semeval_train"
	SetPoolDev    = "semeval_devtest"
	SetPoolBrands = "semeval_brands"
	SetPoolTest   = "semeval_2016test"
)

// poolSets splits the pool in dir into the held-out design's sets: the
// training splits, the development split, the brand development set (the
// tweets of the training and development splits that address a brand) and
// 2016's test split, whole. A text in a held-out set is dropped from the
// training set wherever else it occurs, so no held-out text is trained on.
func poolSets(dir string) ([]Set, error) {
	tweets, err := readPool(dir)
	if err != nil {
		return nil, err
	}
	var train, dev, brands, test []Example
	held := map[string]bool{}
	for _, t := range tweets {
		switch {
		case t.file == poolTestFile:
			test = append(test, t.Example)
		case addressesBrand(t.Text):
			brands = append(brands, t.Example)
		case t.file == poolDevFile:
			dev = append(dev, t.Example)
		default:
			continue
		}
		held[t.Text] = true
	}
	for _, t := range tweets {
		if !held[t.Text] {
			train = append(train, t.Example)
		}
	}
	return []Set{
		{Name: SetPoolTrain, Examples: train},
		{Name: SetPoolDev, Examples: dev},
		{Name: SetPoolBrands, Examples: brands},
		{Name: SetPoolTest, Examples: test},
	}, nil
}
