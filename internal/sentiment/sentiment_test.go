package sentiment

import (
	"math"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
)

// rulesOnly is the engine without its trained models: the rules' own
// verdicts, which the tests of each rule check.
var rulesOnly = sync.OnceValue(func() *Analyzer {
	a, err := NewRules()
	if err != nil {
		panic(err)
	}
	return a
})

func analyze(t testing.TB, text string) Result {
	t.Helper()
	return rulesOnly().Analyze(text)
}

// TestShipped checks what the engine as shipped, rules and English model
// together, must say of texts a brand meets.
func TestShipped(t *testing.T) {
	if Default().lx.langs[Default().lx.fallback].model == nil {
		t.Fatal("the English model is missing: run ripple train sentiment")
	}
	if rulesOnly().lx.langs[rulesOnly().lx.fallback].model != nil {
		t.Fatal("NewRules loaded a model")
	}
	tests := []struct {
		text string
		want Label
	}{
		{"", Neutral},
		{"https://example.com/great-deals", Neutral},
		{"@happy_store", Neutral},
		{"😍", Positive},
		{"I love this phone", Positive},
		{"This phone is awful", Negative},
		{"The update is not bad at all", Positive},
		{"no problem at all", Positive},
		{"This is not good", Negative},
		{"The food was great but the service was horrible", Negative},
		{"Please cancel my order", Negative},
		{"I want a refund", Negative},
		{"Still waiting for my package", Negative},
		{"customer service hung up on me", Negative},
		{"the app is not working", Negative},
		{"Highly recommend this shop", Positive},
		{"thanks for the quick reply", Positive},
		{"The store opens at nine on Monday", Neutral},
		{"how do I reset my password?", Neutral},
		{"Our CEO will speak at the summit on Tuesday", Neutral},
		{"El servicio es muy malo y no me gusta nada", Unscored},
		// The examples: Spanish is left unscored, a plain fact is
		// neutral, and sarcasm after a complaint is a complaint.
		{"Me encanta este producto", Unscored},
		{"The product arrived on Tuesday.", Neutral},
		{"Great, another delay. Thanks a lot.", Negative},
		{"@AcmeAir thanks for the upgrade, great crew!", Positive},
	}
	for _, tt := range tests {
		have := Default().Analyze(tt.text)
		if have.Label != tt.want {
			t.Errorf("Analyze(%q) = %s (%.3f), want %s", tt.text, have.Label, have.Score, tt.want)
		}
	}
}

func TestLabels(t *testing.T) {
	tests := []struct {
		name string
		text string
		want Label
	}{
		{"plain positive", "I love this phone", Positive},
		{"plain negative", "This phone is awful", Negative},
		{"no sentiment", "The store opens at nine on Monday", Neutral},
		{"empty", "", Neutral},
		{"negation flips", "This is not good", Negative},
		{"negation of negative", "The update is not bad at all", Positive},
		{"contracted negation", "I don't like it", Negative},
		{"curly apostrophe", "I don’t like it", Negative},
		{"escaped apostrophe", `I don\u2019t like it`, Negative},
		{"negation stops at punctuation", "Not what I expected. Great service", Positive},
		{"but: second clause wins", "The food was great but the service was horrible", Negative},
		{"but: second clause wins positive", "Shipping was slow but the product is excellent", Positive},
		{"emoji positive", "new phone 😍", Positive},
		{"emoji negative", "new phone 😡", Negative},
		{"emoticon positive", "see you tomorrow :)", Positive},
		{"emoticon negative", "see you tomorrow :(", Negative},
		{"html emoticon", "love you &lt;3", Positive},
		{"hashtag word", "Back at the office #fail", Negative},
		{"camel hashtag", "Ordered from them again #NeverAgain", Negative},
		{"handle ignored", "@happy_store what time do you open", Neutral},
		{"cs where is my order", "@happy_store where is my order", Negative},
		{"url ignored", "https://example.com/great-deals", Neutral},
		{"slang", "this new track slaps", Positive},
		{"cs refund", "I want a refund", Negative},
		{"cs cancel", "Please cancel my order", Negative},
		{"cs waiting", "Still waiting for my package", Negative},
		{"cs never again", "Never again with this airline", Negative},
		{"cs customer service", "customer service hung up on me", Negative},
		{"cs not working", "the app is not working", Negative},
		{"cs recommend", "Highly recommend this shop", Positive},
		{"can't wait", "can't wait for the weekend", Positive},
		{"stretched word", "sooo goooood", Positive},
		{"no problem", "no problem at all", Positive},
		{"no negates the next words", "a weekend with no fun", Negative},
		{"no reaches two words", "there was no good reason", Negative},
		{"no stops after two words", "no clue what happened lol", Positive},
		{"emoji not negated", "can't stop smiling 😍", Positive},
		{"never so intensifies", "I have never been so happy", Positive},
		{"dropped g", "lovin it", Positive},
		{"name after its first word", "we are watching The Walking Dead tonight at home", Neutral},
		{"pleasant word in a name", "details on our Halloween Party this year", Positive},
		{"capital after a handle starts afresh", "Unfollowing @bob Tired of the snark", Negative},
		{"adjective leading a name", "My picks for the Best New Manga", Positive},
		{"sarcasm: cue by the complaint", "Great, another delay. Thanks a lot.", Negative},
		{"sarcasm: tag after the praise", "Thanks a lot for losing my bag", Negative},
		{"sarcasm: complaint then cue", "my flight is delayed again, awesome", Negative},
		{"praise before a cue is sincere", "Another great night with the team", Positive},
		{"praise without a complaint", "Thanks a lot for the help!", Positive},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			have := analyze(t, tt.text)
			if have.Label != tt.want {
				t.Errorf("Analyze(%q) = %s (%.3f), want %s", tt.text, have.Label, have.Score, tt.want)
			}
		})
	}
}

// TestStrength checks the phenomena that change how strong a text is, not
// its polarity: the first text of each pair must score further from zero.
func TestStrength(t *testing.T) {
	tests := []struct {
		name             string
		stronger, weaker string
	}{
		{"intensifier", "the hotel was very good", "the hotel was good"},
		{"dampener", "the hotel was good", "the hotel was slightly good"},
		{"negative intensifier", "the hotel was extremely bad", "the hotel was bad"},
		{"caps", "the hotel was GREAT", "the hotel was great"},
		{"exclamation", "the hotel was great!!!", "the hotel was great"},
		{"stretched letters", "the hotel was greaaaat", "the hotel was great"},
		{"but weighs first clause half", "fine", "fine, but whatever"},
		{"more words", "great food and lovely staff", "great food"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, w := analyze(t, tt.stronger).Score, analyze(t, tt.weaker).Score
			if math.Abs(s) <= math.Abs(w) {
				t.Errorf("|score(%q)| = %.3f, want more than |score(%q)| = %.3f", tt.stronger, s, tt.weaker, w)
			}
		})
	}
}

func TestLanguage(t *testing.T) {
	tests := []struct {
		text      string
		wantLabel Label
		wantLang  string
	}{
		{"The service was excellent and the staff were friendly", Positive, "en"},
		{"LMAO, AMAZING!", Positive, "en"},
		{"😍😍😍", Positive, "en"},
		{"El servicio es muy malo y no me gusta nada", Unscored, "es"},
		{"Der Kundenservice ist eine Katastrophe und ich bin sehr enttäuscht", Unscored, "de"},
		{"Le service client est vraiment nul, je suis très déçu", Unscored, "fr"},
		{"O atendimento é muito ruim e não gostei", Unscored, "pt"},
		{"Il servizio è stato pessimo, non ci torno più", Unscored, "it"},
		{"De klantenservice is slecht en ik ben niet tevreden", Unscored, "nl"},
		{"Обслуживание ужасное", Unscored, "und"},
		{"サービスが最悪です", Unscored, "und"},
		// A single shared word ("la", "de") must not make English foreign.
		{"Dinner at La Tavola was lovely", Positive, "en"},
		// Foreign function words must outnumber English ones clearly.
		{"I saw a video -- El Ultimo de la Fila", Neutral, "en"},
		// Emoji read the same in any language.
		{"El servicio es muy bueno y me gusta 😍", Positive, "es"},
		{"Обслуживание ужасное 😡", Negative, "und"},
		{"Me encanta este producto", Unscored, "es"},
		{"J'adore ce produit, il est très bien", Unscored, "fr"},
		{"Ich liebe dieses Produkt, es ist sehr gut", Unscored, "de"},
		{"Eu adoro este produto, é muito bom", Unscored, "pt"},
		{"Adoro questo prodotto, è molto bello", Unscored, "it"},
		// An English contraction is no Portuguese "em".
		{"Give 'em hell, give 'em hell, give 'em hell!", Negative, "en"},
		{"Merci! The service was great", Positive, "en"},
	}
	for _, tt := range tests {
		have := analyze(t, tt.text)
		if have.Label != tt.wantLabel || have.Lang != tt.wantLang {
			t.Errorf("Analyze(%q) = %s/%s, want %s/%s", tt.text, have.Label, have.Lang, tt.wantLabel, tt.wantLang)
		}
		if have.Label == Unscored && have.Score != 0 {
			t.Errorf("Analyze(%q): unscored with score %v, want 0", tt.text, have.Score)
		}
	}
}

// TestLanguageIsData checks that a lexicon folder is all it takes to add a
// language: a folder with function words is detected, one with a word list
// is scored too.
func TestLanguageIsData(t *testing.T) {
	sub := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	fsys := fstest.MapFS{
		"en/function.txt": sub("the a and is of\n"),
		"en/words.tsv":    sub("good\t1.9\nbad\t-2.5\n"),
		"eo/function.txt": sub("la kaj estas de\n"),
		"eo/words.tsv":    sub("bona\t1.9\nmalbona\t-2.5\n"),
		"xx/function.txt": sub("zork blep\n"),
		"emoji.tsv":       sub("😀\tgood face\n"),
	}
	a, err := newFromFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text      string
		wantLabel Label
		wantLang  string
	}{
		{"la manĝaĵo estas malbona kaj la servo estas malbona", Negative, "eo"},
		{"the food is good", Positive, "en"},
		{"zork blep good", Unscored, "xx"},
		{"😀", Positive, "en"},
	}
	for _, tt := range tests {
		have := a.Analyze(tt.text)
		if have.Label != tt.wantLabel || have.Lang != tt.wantLang {
			t.Errorf("Analyze(%q) = %s/%s, want %s/%s", tt.text, have.Label, have.Lang, tt.wantLabel, tt.wantLang)
		}
	}
	if have, want := a.Languages(), map[string]bool{"en": true, "eo": true, "xx": false}; len(have) != len(want) || have["eo"] != true || have["xx"] != false {
		t.Errorf("Languages() = %v, want %v", have, want)
	}
}

func TestBadLexicon(t *testing.T) {
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		wantErr string
	}{
		{"no english", fstest.MapFS{"eo/function.txt": {Data: []byte("la\n")}}, `language "en" missing`},
		{"bad valence", fstest.MapFS{
			"en/function.txt": {Data: []byte("the\n")},
			"en/words.tsv":    {Data: []byte("good\tvery\n")},
		}, "en/words.tsv: line 1: value"},
		{"no tab", fstest.MapFS{
			"en/function.txt": {Data: []byte("the\n")},
			"en/words.tsv":    {Data: []byte("# comment\ngood 1.9\n")},
		}, "en/words.tsv: line 2: want token<TAB>value"},
		{"bad negator scope", fstest.MapFS{
			"en/function.txt": {Data: []byte("the\n")},
			"en/words.tsv":    {Data: []byte("good\t1.9\n")},
			"en/negators.txt": {Data: []byte("not\nno\t9\n")},
		}, "en/negators.txt: line 2: scope"},
	}
	for _, tt := range tests {
		_, err := newFromFS(tt.fsys)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.wantErr)
		}
	}
}

func TestLabelFor(t *testing.T) {
	for _, tt := range []struct {
		score float64
		want  Label
	}{{0, Neutral}, {Threshold, Positive}, {-Threshold, Negative}, {Threshold / 2, Neutral}, {1, Positive}, {-1, Negative}} {
		if have := LabelFor(tt.score); have != tt.want {
			t.Errorf("LabelFor(%v) = %s, want %s", tt.score, have, tt.want)
		}
	}
}

func TestConcurrent(t *testing.T) {
	a := Default()
	want := a.Analyze("The food was great but the service was horrible")
	done := make(chan Result)
	for range 8 {
		go func() {
			var r Result
			for range 200 {
				r = a.Analyze("The food was great but the service was horrible")
				a.Analyze("#NeverAgain 😡 sooo baaad")
			}
			done <- r
		}()
	}
	for range 8 {
		if have := <-done; have != want {
			t.Errorf("concurrent Analyze = %+v, want %+v", have, want)
		}
	}
}

func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{
		"", "I love this", "not bad!!!", "@user #NeverAgain http://x.y 😍", `I don\u2019t \uD83D`, "&lt;3 &gt;:[",
		"sooooo gooood", "BUT", "ñ ü 日本", "\xff\xfe", "#", "a-", "-a-", "'''", ":) :( :D D:",
	} {
		f.Add(s)
	}
	a := Default()
	f.Fuzz(func(t *testing.T, text string) {
		r := a.Analyze(text)
		if math.IsNaN(r.Score) || r.Score < -1 || r.Score > 1 {
			t.Fatalf("Analyze(%q): score %v outside [-1, 1]", text, r.Score)
		}
		switch r.Label {
		case Unscored:
			if r.Score != 0 {
				t.Fatalf("Analyze(%q): unscored with score %v", text, r.Score)
			}
		case Positive, Neutral, Negative:
			// A polar label and its score agree in sign; a neutral text's
			// score is only its lean.
			if r.Label == Positive && r.Score <= 0 || r.Label == Negative && r.Score >= 0 {
				t.Fatalf("Analyze(%q): label %s against score %v", text, r.Label, r.Score)
			}
		default:
			t.Fatalf("Analyze(%q): label %q", text, r.Label)
		}
		if r.Lang == "" {
			t.Fatalf("Analyze(%q): no language", text)
		}
	})
}

var benchTexts = []string{
	"Somehow I was blessed with some really amazing friends in my life who love me. So lucky.",
	"@user still waiting for my refund, customer service never answers #NeverAgain 😡",
	"Dark Souls 3 April Launch Date Confirmed With New Trailer: Embrace the darkness.",
	"The food was great but the service was SO slow!!! https://example.com/review",
	"I don't think this is worth the money, kinda disappointing tbh :(",
	"El servicio es muy malo y no me gusta nada",
	"LMAO, AMAZING! 😂😂",
	"Here's your starting TUESDAY MORNING Line up at Gentle Yoga with Laura 9:30 am to 10:30 am...",
}

func BenchmarkAnalyze(b *testing.B) {
	a := Default()
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		a.Analyze(benchTexts[n%len(benchTexts)])
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "texts/s")
}
