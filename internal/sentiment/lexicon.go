package sentiment

import (
	"bufio"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// lexiconFS holds one folder per language plus the emoji lists; see
// lexicon/SOURCES.md for the file formats.
//
//go:embed lexicon
var lexiconFS embed.FS

// fallbackLang is the language assumed when a text carries no evidence of
// any language (a lone emoji, "LMAO, AMAZING!").
const fallbackLang = "en"

// entry is what a scored language knows about one word or phrase.
type entry struct {
	valence  float64
	modifier float64 // > 0 intensifies the next sentiment word, < 0 dampens it
	negator  bool
	// negScope is how many words a negator reaches, when fewer than
	// scopeWords: the determiner "no" negates the noun phrase it opens
	// ("no fun", "no good reason"), not a word further on ("no idea lol").
	negScope int8
	// interjection marks laughter and exclamations ("lol", "haha", "yay"):
	// they comment on the clause and are not negated by it.
	interjection bool
	contrast     bool
	// praise, cue and tag are irony.tsv's: praise reads as a complaint in a
	// text that holds a complaint and a cue or tag ("Great, another delay").
	praise, cue, tag bool
	phrases          []phrase // longer entries that start with this word, longest first
}

// phrase is a multi-word entry, keyed by its first word.
type phrase struct {
	rest []string // the words after the first
	id   int32
}

// language is one lexicon folder.
type language struct {
	code    string
	scored  bool
	ids     map[string]int32
	entries []entry
	model   *model // nil when the folder has no model.tsv
}

func (l *language) lookup(word string) int32 {
	if id, ok := l.ids[word]; ok {
		return id
	}
	return -1
}

// intern returns the entry id of a word or phrase, adding it if new.
func (l *language) intern(key string) int32 {
	if id, ok := l.ids[key]; ok {
		return id
	}
	id := int32(len(l.entries))
	l.entries = append(l.entries, entry{})
	l.ids[key] = id
	if words := strings.Fields(key); len(words) > 1 {
		first := l.intern(words[0])
		l.entries[first].phrases = append(l.entries[first].phrases, phrase{rest: words[1:], id: id})
	}
	return id
}

// lexicon is everything loaded from lexiconFS.
type lexicon struct {
	langs     []*language
	fallback  int
	detect    map[string]uint64 // function word -> bit set of languages
	letters   map[rune]uint64   // letter -> bit set of the languages that write it
	emoji     map[rune]float64
	emoticons map[string]float64
}

func loadLexicon(fsys fs.FS) (*lexicon, error) {
	lx := &lexicon{
		fallback:  -1,
		detect:    map[string]uint64{},
		letters:   map[rune]uint64{},
		emoji:     map[rune]float64{},
		emoticons: map[string]float64{},
	}
	dirs, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("sentiment: read lexicon: %w", err)
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		if len(lx.langs) == 64 {
			return nil, fmt.Errorf("sentiment: lexicon %s: more than 64 languages", d.Name())
		}
		l, err := loadLanguage(fsys, d.Name(), lx)
		if err != nil {
			return nil, err
		}
		if l.code == fallbackLang {
			lx.fallback = len(lx.langs)
		}
		lx.langs = append(lx.langs, l)
	}
	if lx.fallback < 0 || !lx.langs[lx.fallback].scored {
		return nil, fmt.Errorf("sentiment: lexicon: language %q missing or without words.tsv", fallbackLang)
	}
	if err := lx.loadEmoji(fsys); err != nil {
		return nil, err
	}
	return lx, nil
}

func loadLanguage(fsys fs.FS, code string, lx *lexicon) (*language, error) {
	l := &language{code: code, ids: map[string]int32{}}
	bit := uint64(1) << len(lx.langs)
	err := eachLine(fsys, path.Join(code, "function.txt"), func(line string, _ int) error {
		for _, w := range strings.Fields(line) {
			lx.detect[normalizeKey(w)] |= bit
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = eachLine(fsys, path.Join(code, "letters.txt"), func(line string, _ int) error {
		for _, r := range strings.ToLower(line) {
			if !unicode.IsSpace(r) {
				lx.letters[r] |= bit
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if _, err := fs.Stat(fsys, path.Join(code, "words.tsv")); err != nil {
		return l, nil // detected, not scored
	}
	l.scored = true
	for _, name := range []string{"words.tsv", "domain.tsv"} {
		err := readPairs(fsys, path.Join(code, name), func(key string, v float64) {
			if isEmoticon(key) {
				// Emoticons keep their case: ":D" laughs, "D:" despairs.
				lx.emoticons[key] = v
				return
			}
			l.entries[l.intern(key)].valence = v
		})
		if err != nil {
			return nil, err
		}
	}
	err = readPairs(fsys, path.Join(code, "modifiers.tsv"), func(key string, v float64) {
		l.entries[l.intern(key)].modifier = v
	})
	if err != nil {
		return nil, err
	}
	err = eachLine(fsys, path.Join(code, "negators.txt"), func(line string, n int) error {
		word, scope, hasScope := strings.Cut(line, "\t")
		e := &l.entries[l.intern(normalizeKey(word))]
		e.negator = true
		if hasScope {
			k, err := strconv.Atoi(strings.TrimSpace(scope))
			if err != nil || k < 1 || k > scopeWords {
				return fmt.Errorf("line %d: scope %q is not 1..%d", n, scope, scopeWords)
			}
			e.negScope = int8(k)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = eachLine(fsys, path.Join(code, "irony.tsv"), func(line string, n int) error {
		key, kind, _ := strings.Cut(line, "\t")
		e := &l.entries[l.intern(normalizeKey(key))]
		switch strings.TrimSpace(kind) {
		case "praise":
			e.praise = true
		case "cue":
			e.cue = true
		case "tag":
			e.tag = true
		default:
			return fmt.Errorf("line %d: kind %q is not praise, cue or tag", n, kind)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for name, set := range map[string]func(*entry){
		"contrast.txt":      func(e *entry) { e.contrast = true },
		"interjections.txt": func(e *entry) { e.interjection = true },
	} {
		err := eachLine(fsys, path.Join(code, name), func(line string, _ int) error {
			set(&l.entries[l.intern(normalizeKey(line))])
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if _, err := fs.Stat(fsys, path.Join(code, "model.tsv")); err == nil {
		if l.model, err = loadModel(fsys, path.Join(code, "model.tsv")); err != nil {
			return nil, err
		}
	}
	for i := range l.entries {
		ps := l.entries[i].phrases
		sort.SliceStable(ps, func(a, b int) bool { return len(ps[a].rest) > len(ps[b].rest) })
	}
	return l, nil
}

// loadEmoji derives a valence for every single-rune emoji from its
// description, scored with the fallback language's words, then applies the
// hand-set values.
func (lx *lexicon) loadEmoji(fsys fs.FS) error {
	en := lx.langs[lx.fallback]
	err := eachLine(fsys, "emoji.tsv", func(line string, n int) error {
		glyph, desc, ok := strings.Cut(line, "\t")
		if !ok {
			return fmt.Errorf("line %d: want emoji<TAB>description", n)
		}
		r, ok := singleEmoji(glyph)
		if !ok {
			return nil
		}
		if _, seen := lx.emoji[r]; seen {
			return nil
		}
		var v float64
		for _, w := range strings.FieldsFunc(strings.ToLower(desc), func(c rune) bool {
			return !unicode.IsLetter(c) && c != '\''
		}) {
			if id := en.lookup(w); id >= 0 {
				v += en.entries[id].valence
			}
		}
		lx.emoji[r] = max(-3, min(3, v))
		return nil
	})
	if err != nil {
		return err
	}
	return readPairs(fsys, "emoji-domain.tsv", func(key string, v float64) {
		if r, ok := singleEmoji(key); ok {
			lx.emoji[r] = v
		}
	})
}

// singleEmoji reports the one meaningful rune of an emoji sequence, ignoring
// variation selectors and skin tones; sequences of several pictographs
// (families, flags) are scored rune by rune instead.
func singleEmoji(s string) (rune, bool) {
	var found rune
	for _, r := range s {
		if isEmojiModifier(r) {
			continue
		}
		if found != 0 {
			return 0, false
		}
		found = r
	}
	return found, found != 0 && found >= 0x80
}

func isEmojiModifier(r rune) bool {
	return r == 0xFE0F || r == 0xFE0E || r == 0x200D || (r >= 0x1F3FB && r <= 0x1F3FF)
}

// isEmoticon reports whether a lexicon token is made of symbols, like ":)"
// or "<3", rather than a word; those are matched on whole chunks of text.
func isEmoticon(key string) bool {
	if strings.ContainsRune(key, ' ') {
		return false
	}
	for _, r := range key {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '-' {
			return true
		}
	}
	return false
}

// normalizeKey lowercases a lexicon key and spells apostrophes as the
// tokenizer does.
func normalizeKey(s string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "’", "'")
}

func readPairs(fsys fs.FS, name string, add func(key string, v float64)) error {
	return eachLine(fsys, name, func(line string, n int) error {
		key, val, ok := strings.Cut(line, "\t")
		if !ok {
			return fmt.Errorf("line %d: want token<TAB>value", n)
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil {
			return fmt.Errorf("line %d: value %q: %w", n, val, err)
		}
		key = strings.Join(strings.Fields(strings.ReplaceAll(key, "’", "'")), " ")
		if !isEmoticon(key) {
			key = normalizeKey(key)
		}
		if key == "" {
			return fmt.Errorf("line %d: empty token", n)
		}
		add(key, v)
		return nil
	})
}

// eachLine calls fn for every non-blank, non-comment line of a lexicon file;
// a missing file has no lines.
func eachLine(fsys fs.FS, name string, fn func(line string, n int) error) error {
	f, err := fsys.Open(name)
	if err != nil {
		if strings.HasSuffix(name, "function.txt") {
			return fmt.Errorf("sentiment: lexicon %s: %w", name, err)
		}
		return nil
	}
	defer f.Close()
	return scanLines(f, name, fn)
}

// scanLines calls fn for every non-blank, non-comment line of r, the
// lexicon file name.
func scanLines(r io.Reader, name string, fn func(line string, n int) error) error {
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !utf8.ValidString(line) {
			return fmt.Errorf("sentiment: lexicon %s: line %d: not UTF-8", name, n)
		}
		if err := fn(line, n); err != nil {
			return fmt.Errorf("sentiment: lexicon %s: %w", name, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("sentiment: lexicon %s: %w", name, err)
	}
	return nil
}
