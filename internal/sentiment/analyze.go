package sentiment

import (
	"math/bits"
	"unicode"
	"unicode/utf8"
)

// Rule weights. They are VADER's published constants except where noted;
// none is fitted to an evaluation set.
const (
	modifierDecay  = 0.05  // a modifier two words away counts 5% less, three words 10% less
	capsBoost      = 0.733 // an ALL CAPS sentiment word in mixed-case text
	elongBoost     = 0.293 // "sooo goood": same push as an intensifier
	negationFactor = -0.74 // "not good" is less bad than "bad"
	beforeContrast = 0.5   // "fine, but ..." weighs the first part half
	afterContrast  = 1.5   // and the part after "but" one and a half
	exclaimBoost   = 0.292 // each '!', up to four
	questionBoost  = 0.18  // each '?' beyond the first, up to 0.96
	scopeWords     = 3     // how far back a negator or modifier reaches
	// nameWeight is Ripple's: in "The Walking Dead" or "Grateful Dead" the
	// capitalised word after the first names a thing, it does not judge it.
	// It applies to negative words only: a name that picks a pleasant word
	// ("Halloween Party", "Blog Award") means it to please, and readers
	// rate it so.
	nameWeight = 0.0
)

const (
	kindWord uint8 = iota
	kindEmoji
	kindBreak // clause punctuation: stops negation and modifiers
	kindMark  // an @handle or a link: no word, but a model reads that it is there
)

// tok is a token of the first pass, before the language is known.
type tok struct {
	kind       uint8
	caps       bool // ALL CAPS word of two letters or more
	title      bool // Capitalised word
	initial    bool // first word of a sentence
	start, end int32
	val        float64
	// negScope is how many words a negator reaches, once score has looked
	// the word up; 0 for every other word.
	negScope int8
}

// item is a token of the second pass, with its lexicon facts.
type item struct {
	val      float64
	mod      float64
	neg      bool
	contrast bool
	brk      bool
	caps     bool
	elong    bool
	name     bool // part of a capitalised name, "The Walking Dead"
	negScope int8 // words a negator reaches
	interj   bool // emoji, emoticon or interjection: never negated
	praise   bool // praise that irony turns: see irony.tsv
	cue      bool // a cue of irony next to a complaint
	tag      bool // a cue of irony right after praise
	never    bool // "never", which intensifies through "so" or "this"
	soThis   bool // "so" or "this"
}

// scratch is per-call working memory, pooled so that a text costs few
// allocations.
type scratch struct {
	toks       []tok
	items      []item
	low        []byte // lowercased words, back to back
	tmp        []byte
	words      int
	capsWords  int
	latin      int
	other      int
	exclaim    int
	question   int
	sentStart  bool
	titleWords int
	names      bool
	// rulesDecide is set by score where the rules know better than a
	// model trained on tweets that seldom hold what they found: praise
	// that reads as a complaint (sarcasm), and a phrase led by a negator
	// ("not bad", "no problem"), which such a model reads as a negation.
	rulesDecide bool
	// What score found, for a trained model to read.
	fpos, fneg          float64
	npos, nneg          int
	links, tags, digits int
	handles             int
	addressed           bool     // the text opens with an @handle: a reply, or a word to a brand
	feats               []uint32 // the text's hashed features, see features
	nWordFeats          int      // how many of feats are words and word pairs; the rest are character n-grams
	gbuf                []byte   // gram words, see gramWords
	gends               []int32
}

func decodeAt(s string, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\v', '\f':
		return true
	}
	return r >= 0x80 && unicode.IsSpace(r)
}

// tokenize splits text into words, emoji, emoticons and clause breaks,
// dropping @handles, URLs and HTML entities.
func (sc *scratch) tokenize(text string, lx *lexicon) {
	sc.toks = sc.toks[:0]
	sc.low = sc.low[:0]
	sc.words, sc.capsWords, sc.latin, sc.other, sc.exclaim, sc.question = 0, 0, 0, 0, 0, 0
	sc.sentStart, sc.titleWords = true, 0
	sc.links, sc.tags, sc.digits, sc.handles, sc.addressed = 0, 0, 0, 0, false
	for i := 0; i < len(text); {
		r, n := decodeAt(text, i)
		if isSpace(r) {
			i += n
			continue
		}
		j := i + n
		for j < len(text) {
			r, n := decodeAt(text, j)
			if isSpace(r) {
				break
			}
			j += n
		}
		sc.chunk(text, i, j, lx)
		i = j
	}
}

func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}

// chunk tokenizes one whitespace-separated piece of text[s:e].
func (sc *scratch) chunk(text string, s, e int, lx *lexicon) {
	c := text[s:e]
	link := hasPrefixFold(c, "http://") || hasPrefixFold(c, "https://") || hasPrefixFold(c, "www.")
	if link {
		sc.links++
	}
	if c[0] == '@' {
		sc.handles++
		if len(sc.toks) == 0 {
			sc.addressed = true
		}
	}
	if c[0] == '@' || link {
		// A handle or link stands between the words around it: a
		// capitalised word after it starts afresh, it does not go on
		// naming what came before.
		sc.sentStart = true
		v := 0.0
		if link {
			v = 1 // a link's mark; 0 marks a handle
		}
		sc.toks = append(sc.toks, tok{kind: kindMark, val: v})
		return
	}
	if sc.emoticon(c, lx) {
		return
	}
	var (
		inWord        bool
		upper, lower  int
		wstart, ostrt int
		tag, nextTag  bool
		camel         bool
		prevLower     bool
		firstUpper    bool
	)
	end := func(k int) {
		if !inWord {
			return
		}
		inWord = false
		caps := upper >= 2 && lower == 0
		sc.words++
		if caps {
			sc.capsWords++
		}
		// Quotes around a word are not part of it.
		for len(sc.low) > wstart && sc.low[len(sc.low)-1] == '\'' {
			sc.low = sc.low[:len(sc.low)-1]
		}
		if tag && camel {
			// "#NeverAgain" reads as "never again".
			sc.low = sc.low[:wstart]
			sc.camelParts(text[ostrt:k])
			return
		}
		sc.toks = append(sc.toks, tok{kind: kindWord, caps: caps, start: int32(wstart), end: int32(len(sc.low)),
			title: firstUpper && upper == 1 && lower > 0 && !tag, initial: sc.sentStart})
		if firstUpper && upper == 1 && lower > 0 {
			sc.titleWords++
		}
		sc.sentStart = false
	}
	for k := s; k < e; {
		r, n := decodeAt(text, k)
		if r == '\\' && k+6 <= e && (text[k+1] == 'u' || text[k+1] == 'U') {
			// Text exported through JSON twice carries escapes like \u2019.
			if v, ok := hex4(text[k+2 : k+6]); ok {
				r, n = v, 6
			}
		}
		if r == '&' {
			if m := entityLen(text[k:e]); m > 0 {
				end(k)
				k += m
				continue
			}
		}
		switch {
		case r < utf8.RuneSelf && ('a' <= r && r <= 'z' || '0' <= r && r <= '9'):
			if !inWord {
				inWord, upper, lower, wstart, ostrt, tag, camel = true, 0, 0, len(sc.low), k, nextTag, false
				nextTag, firstUpper = false, false
			}
			sc.low = append(sc.low, byte(r))
			if r <= '9' {
				sc.digits++
			}
			if r >= 'a' {
				lower++
				sc.latin++
				prevLower = true
			}
		case r < utf8.RuneSelf && 'A' <= r && r <= 'Z':
			if !inWord {
				inWord, upper, lower, wstart, ostrt, tag, camel = true, 0, 0, len(sc.low), k, nextTag, false
				nextTag, prevLower, firstUpper = false, false, true
			}
			if prevLower {
				camel = true
			}
			sc.low = append(sc.low, byte(r+'a'-'A'))
			upper++
			sc.latin++
			prevLower = false
		case r == '\'' || r == '’' || r == '‘' || r == '`':
			if inWord {
				sc.low = append(sc.low, '\'')
			}
		case r == '-' && inWord && k+1 < e && isWordByte(text[k+1]):
			// "self-cleaning" is one word, as most lexicons list it.
			sc.low = append(sc.low, '-')
		case r == '#':
			sc.tags++
			end(k)
			nextTag = true
		case r == '!' || r == '?' || r == '.' || r == ',' || r == ';' || r == ':' || r == '(' || r == ')':
			end(k)
			switch r {
			case '!':
				sc.exclaim++
			case '?':
				sc.question++
			}
			if r == '!' || r == '?' || r == '.' || r == ':' {
				sc.sentStart = true
			}
			sc.brk()
		case r >= utf8.RuneSelf && unicode.IsLetter(r):
			if !inWord {
				inWord, upper, lower, wstart, ostrt, tag, camel = true, 0, 0, len(sc.low), k, nextTag, false
				nextTag, prevLower, firstUpper = false, false, unicode.IsUpper(r)
			}
			if unicode.IsUpper(r) {
				upper++
			} else {
				lower++
			}
			if unicode.Is(unicode.Latin, r) {
				sc.latin++
			} else {
				sc.other++
			}
			sc.low = utf8.AppendRune(sc.low, unicode.ToLower(r))
		case r >= 0x80 && unicode.IsDigit(r):
			if inWord {
				sc.low = utf8.AppendRune(sc.low, r)
			}
		default:
			end(k)
			if r >= 0x2000 {
				if v, ok := lx.emoji[r]; ok {
					sc.toks = append(sc.toks, tok{kind: kindEmoji, val: v})
				}
			}
		}
		k += n
	}
	end(e)
}

// emoticon tokenizes c when it is a whole emoticon such as ":)" or "<3",
// possibly followed by sentence punctuation.
func (sc *scratch) emoticon(c string, lx *lexicon) bool {
	if len(c) > 4 && c[0] == '&' && c[2] == 't' && c[3] == ';' && (c[1] == 'l' || c[1] == 'g') {
		// "&lt;3" is "<3" escaped for HTML.
		var buf [16]byte
		if len(c) > len(buf) {
			return false
		}
		buf[0] = '<'
		if c[1] == 'g' {
			buf[0] = '>'
		}
		n := 1 + copy(buf[1:], c[4:])
		return sc.emoticon(string(buf[:n]), lx)
	}
	if len(c) > 12 {
		return false
	}
	var low [12]byte
	n := len(c)
	for i := 0; i < n; i++ {
		b := c[i]
		if b >= utf8.RuneSelf {
			return false
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		low[i] = b
	}
	buf := c
	for trim := n; trim > 0; trim-- {
		v, ok := lx.emoticons[c[:trim]]
		if !ok {
			v, ok = lx.emoticons[string(low[:trim])]
		}
		if ok {
			for _, b := range []byte(buf[trim:n]) {
				switch b {
				case '!':
					sc.exclaim++
				case '?':
					sc.question++
				case '.', ',':
				default:
					return false
				}
			}
			sc.toks = append(sc.toks, tok{kind: kindEmoji, val: v})
			if trim < n {
				sc.brk()
			}
			return true
		}
		if b := c[trim-1]; b != '.' && b != '!' && b != '?' && b != ',' {
			return false
		}
	}
	return false
}

func (sc *scratch) brk() {
	if len(sc.toks) > 0 && sc.toks[len(sc.toks)-1].kind != kindBreak {
		sc.toks = append(sc.toks, tok{kind: kindBreak})
	}
}

func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func hex4(s string) (rune, bool) {
	var r rune
	for i := 0; i < 4; i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	if r >= 0xD800 && r <= 0xDFFF {
		return utf8.RuneError, true
	}
	return r, true
}

// entityLen is the length of an HTML entity ("&amp;", "&#39;") at the start
// of s, or 0.
func entityLen(s string) int {
	for i := 1; i < len(s) && i <= 8; i++ {
		c := s[i]
		if c == ';' {
			if i > 1 {
				return i + 1
			}
			return 0
		}
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '#') {
			return 0
		}
	}
	return 0
}

// detect returns the index of the text's language, or -1 when the text is
// in a script no lexicon covers. Each word votes, once, for the languages
// that list it as a function word or write a letter of it; a capitalised
// word inside a sentence names something ("La Tavola", "El Ultimo") and
// does not vote. A language other than the fallback must have two votes
// and more than the fallback has.
func (sc *scratch) detect(lx *lexicon) int {
	var counts [64]int32
	for _, t := range sc.toks {
		if t.kind != kindWord || t.title && !t.initial {
			continue
		}
		w := sc.low[t.start:t.end]
		m := lx.detect[string(w)]
		for i := 0; i < len(w); {
			if w[i] < utf8.RuneSelf {
				i++
				continue
			}
			r, n := utf8.DecodeRune(w[i:])
			m |= lx.letters[r]
			i += n
		}
		for m != 0 {
			counts[bits.TrailingZeros64(m)]++
			m &= m - 1
		}
	}
	best := lx.fallback
	for i := range lx.langs {
		if counts[i] > counts[best] {
			best = i
		}
	}
	if best != lx.fallback && counts[best] < 2 {
		best = lx.fallback
	}
	if counts[best] == 0 && sc.other > sc.latin {
		return -1
	}
	return best
}

// lookupWord finds a word, trying the spelling social text stretches it
// into ("gooood").
func (sc *scratch) lookupWord(w []byte, l *language) (id int32, elong bool) {
	if id := l.lookup(string(w)); id >= 0 {
		return id, false
	}
	if n := len(w); n > 4 && w[n-2] == 'i' && w[n-1] == 'n' {
		// "lovin", "chillin": social text drops the g of -ing.
		sc.tmp = append(append(sc.tmp[:0], w...), 'g')
		if id := l.lookup(string(sc.tmp)); id >= 0 {
			return id, false
		}
	}
	if stretched(w) {
		for _, keep := range []int{2, 1} {
			sc.tmp = squeeze(sc.tmp[:0], w, keep)
			if id := l.lookup(string(sc.tmp)); id >= 0 {
				return id, true
			}
		}
	}
	return -1, false
}

func stretched(w []byte) bool {
	for i := 2; i < len(w); i++ {
		if w[i] == w[i-1] && w[i] == w[i-2] && w[i] >= 'a' {
			return true
		}
	}
	return false
}

// squeeze appends w to dst with every run of a letter cut to keep letters.
func squeeze(dst, w []byte, keep int) []byte {
	run := 0
	for i, c := range w {
		if i > 0 && c == w[i-1] {
			run++
		} else {
			run = 1
		}
		if run <= keep {
			dst = append(dst, c)
		}
	}
	return dst
}

// inName reports whether the word token at i is a capitalised word that
// follows another one, not at the start of a sentence. The first word of a
// run keeps its valence: in "Best New Manga" or "Worst Song" a leading
// adjective still judges, and readers take it so.
func (sc *scratch) inName(i int) bool {
	t := sc.toks[i]
	if !t.title || t.initial {
		return false
	}
	return i > 0 && sc.toks[i-1].kind == kindWord && sc.toks[i-1].title
}

func (sc *scratch) matches(i int, rest []string) bool {
	if i+len(rest) > len(sc.toks) {
		return false
	}
	for j, w := range rest {
		t := sc.toks[i+j]
		if t.kind != kindWord || string(sc.low[t.start:t.end]) != w {
			return false
		}
	}
	return true
}

func (sc *scratch) addWord(it item, id int32, w []byte, l *language) {
	if id >= 0 {
		e := &l.entries[id]
		it.val, it.mod, it.neg, it.contrast = e.valence, e.modifier, e.negator, e.contrast
		it.negScope, it.interj = e.negScope, e.interjection
		it.praise, it.cue, it.tag = e.praise, e.cue, e.tag
	}
	if n := len(w); !it.neg && n > 3 && w[n-3] == 'n' && w[n-2] == '\'' && w[n-1] == 't' {
		it.neg = true
	}
	if it.neg && it.negScope == 0 {
		it.negScope = scopeWords
	}
	sc.items = append(sc.items, it)
}

// score sums the adjusted valences of the text's tokens in language l.
func (sc *scratch) score(l *language) float64 {
	sc.items = sc.items[:0]
	sc.fpos, sc.fneg, sc.npos, sc.nneg = 0, 0, 0, 0
	// Headlines capitalise every word; there capitals mark no name.
	sc.names = sc.titleWords*2 < sc.words
	sc.rulesDecide = false
	for i := 0; i < len(sc.toks); i++ {
		t := sc.toks[i]
		switch t.kind {
		case kindBreak:
			sc.items = append(sc.items, item{brk: true})
			continue
		case kindEmoji:
			sc.items = append(sc.items, item{val: t.val, interj: true})
			continue
		case kindMark:
			continue
		}
		w := sc.low[t.start:t.end]
		id, elong := sc.lookupWord(w, l)
		name := sc.names && sc.inName(i)
		if id >= 0 {
			for _, p := range l.entries[id].phrases {
				if sc.matches(i+1, p.rest) {
					if l.entries[id].negator {
						// "not bad", "no problem": the rules score the
						// phrase whole, where a model trained on tweets
						// reads a negator as a complaint.
						sc.rulesDecide = true
					}
					id = p.id
					i += len(p.rest)
					break
				}
			}
		}
		it := item{caps: t.caps, elong: elong, name: name}
		// VADER's rule: "never so good", "never this happy" praise.
		it.never = string(w) == "never"
		it.soThis = string(w) == "so" || string(w) == "this"
		sc.addWord(it, id, w, l)
		if last := sc.items[len(sc.items)-1]; last.neg {
			sc.toks[i].negScope = last.negScope
		}
	}
	items := sc.items
	mixedCaps := sc.capsWords > 0 && sc.capsWords < sc.words
	lastContrast := -1
	var complaint, praise, cued bool
	for i, it := range items {
		if it.contrast {
			lastContrast = i
		}
		isComplaint := it.val <= -1 && !it.praise && !it.name
		isPraise := it.praise && it.val > 0
		complaint = complaint || isComplaint
		praise = praise || isPraise
		// A cue counts next to what it marks: "another delay", "delayed
		// again", "thanks a lot"; before praise it is mostly sincere
		// ("another great night").
		switch {
		case isComplaint:
			for k := max(0, i-2); k <= min(len(items)-1, i+2); k++ {
				cued = cued || items[k].cue
			}
		case isPraise && i+1 < len(items):
			cued = cued || items[i+1].tag
		}
	}
	// "Great, another delay. Thanks a lot.": praise beside a complaint and
	// a cue of irony is one more complaint.
	sarcasm := complaint && praise && cued
	sc.rulesDecide = sc.rulesDecide || sarcasm
	var sum float64
	for i, it := range items {
		v := it.val
		if v == 0 {
			continue
		}
		if it.name && v < 0 {
			v *= nameWeight
		}
		if it.neg && ownValenceNegated(items, i) {
			continue // "no problem": the negator's own valence gives way
		}
		sign := 1.0
		if v < 0 {
			sign = -1
		}
		if it.caps && mixedCaps {
			v += sign * capsBoost
		}
		if it.elong {
			v += sign * elongBoost
		}
		if sarcasm && it.praise && v > 0 {
			v, sign = -v, -1
		}
		negated := false
		for k := 1; k <= scopeWords && i-k >= 0; k++ {
			p := items[i-k]
			if p.brk || p.contrast {
				break
			}
			if p.mod != 0 {
				m := p.mod * (1 - modifierDecay*float64(k-1))
				if p.caps && mixedCaps {
					if m > 0 {
						m += capsBoost
					} else {
						m -= capsBoost
					}
				}
				v += sign * m
			}
			// Emoji and interjections are not negated: in "no way lol"
			// the laugh still laughs.
			if p.neg && k <= int(p.negScope) && !it.interj {
				// "never" through "so" or "this" intensifies instead.
				if p.never && k > 1 && (items[i-1].soThis || items[i-k+1].soThis) {
					v *= 1.25
				} else {
					negated = true
				}
			}
		}
		if negated && !it.neg {
			v *= negationFactor
		}
		switch {
		case lastContrast < 0:
		case i < lastContrast:
			v *= beforeContrast
		case i > lastContrast:
			v *= afterContrast
		}
		if v > 0 {
			sc.fpos += v
			sc.npos++
		} else {
			sc.fneg += v
			sc.nneg++
		}
		sum += v
	}
	return sum + sc.emphasis(sum)
}

// scoreEmoji sums the valences of the emoji and emoticons alone, for text
// in a language without a lexicon; ok is false when there are none.
func (sc *scratch) scoreEmoji() (sum float64, ok bool) {
	for _, t := range sc.toks {
		if t.kind == kindEmoji {
			sum += t.val
			ok = true
		}
	}
	return sum + sc.emphasis(sum), ok
}

// emphasis is what exclamation and question marks add to a sum, in the
// direction of its sign.
func (sc *scratch) emphasis(sum float64) float64 {
	if sum != 0 {
		emph := exclaimBoost * float64(min(sc.exclaim, 4))
		if sc.question > 1 {
			emph += min(questionBoost*float64(sc.question), 0.96)
		}
		if sum > 0 {
			return emph
		}
		return -emph
	}
	return 0
}

// ownValenceNegated reports whether the negator at i has a sentiment word in
// its scope, which then carries the sentiment instead.
func ownValenceNegated(items []item, i int) bool {
	for k := 1; k <= int(items[i].negScope) && i+k < len(items); k++ {
		n := items[i+k]
		if n.brk || n.contrast {
			return false
		}
		if n.val != 0 && !n.neg && !n.interj {
			return true
		}
	}
	return false
}

// camelParts adds the words of a camel-case hashtag body as tokens.
func (sc *scratch) camelParts(tag string) {
	start := 0
	flush := func(end int) {
		from := len(sc.low)
		for i := start; i < end; i++ {
			c := tag[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			sc.low = append(sc.low, c)
		}
		if len(sc.low) > from {
			sc.toks = append(sc.toks, tok{kind: kindWord, start: int32(from), end: int32(len(sc.low))})
		}
	}
	for i := 1; i < len(tag); i++ {
		c, p := tag[i], tag[i-1]
		if 'A' <= c && c <= 'Z' && 'a' <= p && p <= 'z' {
			flush(i)
			start = i
		}
	}
	flush(len(tag))
}
