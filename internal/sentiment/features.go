package sentiment

import (
	"math"
)

// The rules' findings about a text, in the order a model file's dense rows
// must follow. Together with the text's hashed words, word pairs and
// character n-grams they are what a language's trained model reads.
var denseNames = [...]string{
	"score",     // the rules' score in [-1, 1]
	"strength",  // its magnitude
	"pos_sum",   // sum of the adjusted positive valences
	"neg_sum",   // sum of the adjusted negative valences (<= 0)
	"pos_words", // how many sentiment words count positive
	"neg_words", // how many count negative
	"log_words", // log(1 + words)
	"exclaim",   // has "!"
	"question",  // has "?"
	"title",     // share of Capitalised words: names and headlines
	"caps",      // has an ALL CAPS word
	"links",     // links, up to 2
	"hashtags",  // hashtags, up to 3
	"digits",    // has a digit: dates, prices, scores
	"emoji",     // sum of emoji and emoticon valences
	"handles",   // @handles, up to 3
	"addressed", // opens with an @handle
}

const nDense = len(denseNames)

// Grams for what is not a word.
var (
	gramBreak    = []byte("|")
	gramEmojiPos = []byte("EMO+")
	gramEmojiNeg = []byte("EMO-")
	gramEmoji0   = []byte("EMO0")
	gramHandle   = []byte("@")
	gramLink     = []byte("URL")
)

// dense fills x with the findings of the last score call; s is its score.
func (sc *scratch) dense(s float64, x *[nDense]float64) {
	words := float64(max(sc.words, 1))
	var emo float64
	for _, t := range sc.toks {
		if t.kind == kindEmoji {
			emo += t.val
		}
	}
	*x = [nDense]float64{
		s, math.Abs(s), sc.fpos, sc.fneg, float64(sc.npos), float64(sc.nneg),
		math.Log1p(float64(sc.words)), b2f(sc.exclaim > 0), b2f(sc.question > 0),
		float64(sc.titleWords) / words, b2f(sc.capsWords > 0),
		float64(min(sc.links, 2)), float64(min(sc.tags, 3)),
		b2f(sc.digits > 0), emo, float64(min(sc.handles, 3)), b2f(sc.addressed),
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// gramWords lays out the words grams are made of in sc.gbuf, ending at
// the offsets sc.gends: each word lowercased, a clause break as "|", an
// emoji as EMO+, EMO- or EMO0 by its valence's sign, an @handle as "@"
// and a link as "URL". A word a negator
// reaches, as score found the negators, is marked "~": "not ~bad", so that
// a model learns negated words apart from plain ones.
func (sc *scratch) gramWords() {
	sc.gbuf, sc.gends = sc.gbuf[:0], sc.gends[:0]
	negLeft := 0
	for _, t := range sc.toks {
		switch t.kind {
		case kindBreak:
			sc.gbuf = append(sc.gbuf, gramBreak...)
			negLeft = 0
		case kindMark:
			if t.val > 0 {
				sc.gbuf = append(sc.gbuf, gramLink...)
			} else {
				sc.gbuf = append(sc.gbuf, gramHandle...)
			}
		case kindEmoji:
			switch {
			case t.val > 0:
				sc.gbuf = append(sc.gbuf, gramEmojiPos...)
			case t.val < 0:
				sc.gbuf = append(sc.gbuf, gramEmojiNeg...)
			default:
				sc.gbuf = append(sc.gbuf, gramEmoji0...)
			}
		default:
			w := sc.low[t.start:t.end]
			if negLeft > 0 {
				sc.gbuf = append(sc.gbuf, '~')
				negLeft--
			}
			sc.gbuf = append(sc.gbuf, w...)
			if t.negScope > 0 {
				negLeft = int(t.negScope)
			}
		}
		sc.gends = append(sc.gends, int32(len(sc.gbuf)))
	}
}

// gramKey hashes a gram's text, "word" or "word word", as features does:
// with 64-bit FNV-1a.
func gramKey(s string) uint64 {
	return fnvAdd(fnvOffset, []byte(s))
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func fnvAdd(h uint64, b []byte) uint64 {
	for _, c := range b {
		h ^= uint64(c)
		h *= fnvPrime
	}
	return h
}

// tableBits sets the size of a model's feature table: 2^18 rows of three
// weights. Every word, word pair and character n-gram is hashed to a row,
// so the model's size is fixed whatever the vocabulary; at 2^18 rows two of
// the 300,000-odd features of the training tweets share a row seldom enough
// that the held-out scores do not move (2^16 cost about 0.01 macro-F1).
const (
	tableBits = 18
	tableRows = 1 << tableBits
)

// row maps a feature's hash to its row of the table; the multiply spreads
// FNV's well-mixed high bits over the index.
func row(h uint64) uint32 {
	return uint32((h * 0x9E3779B97F4A7C15) >> (64 - tableBits))
}

// Character n-grams are taken within words, from charMin to charMax bytes,
// with a space marking each end of the word.
const (
	charMin = 3
	charMax = 4
	// charSeed sets character n-grams apart from words of the same
	// spelling, and charSeedNegated those of a word a negator reaches from
	// the others: "not ~good" shares nothing with "good".
	charSeed        = fnvOffset ^ 0x5bd1e995
	charSeedNegated = charSeed ^ 0x77
)

// features hashes the last scored text's words, adjacent word pairs and
// character n-grams (a negated word's apart, as gramWords marks it) into
// sc.feats (words and pairs first, sc.nWordFeats of
// them) and returns the weight each kind's features take: 1/sqrt of how
// many there are, so that long and short texts weigh alike.
func (sc *scratch) features() (wordScale, charScale float64) {
	sc.gramWords()
	sc.feats = sc.feats[:0]
	var prev uint64 // the hash of the previous word: a pair's hash goes on from it
	from := int32(0)
	for i, end := range sc.gends {
		w := sc.gbuf[from:end]
		from = end
		h := fnvAdd(fnvOffset, w)
		sc.feats = append(sc.feats, row(h))
		if i > 0 {
			sc.feats = append(sc.feats, row(fnvAdd((prev^' ')*fnvPrime, w)))
		}
		prev = h
	}
	sc.nWordFeats = len(sc.feats)
	negLeft := 0
	for _, t := range sc.toks {
		if t.kind == kindBreak {
			negLeft = 0
		}
		if t.kind == kindWord {
			seed := uint64(charSeed)
			if negLeft > 0 {
				negLeft--
				seed = charSeedNegated
			}
			sc.charGrams(sc.low[t.start:t.end], seed)
			if t.negScope > 0 {
				negLeft = int(t.negScope)
			}
		}
	}
	if n := sc.nWordFeats; n > 0 {
		wordScale = 1 / math.Sqrt(float64(n))
	}
	if n := len(sc.feats) - sc.nWordFeats; n > 0 {
		charScale = 1 / math.Sqrt(float64(n))
	}
	return wordScale, charScale
}

// charGrams appends the rows of w's character n-grams, " w " read in
// windows of charMin to charMax bytes, hashed from seed.
func (sc *scratch) charGrams(w []byte, seed uint64) {
	n := len(w) + 2
	at := func(k int) byte {
		if k == 0 || k == n-1 {
			return ' '
		}
		return w[k-1]
	}
	for i := 0; i+charMin <= n; i++ {
		h := seed
		for k := i; k < n && k < i+charMax; k++ {
			h ^= uint64(at(k))
			h *= fnvPrime
			if k-i+1 >= charMin {
				sc.feats = append(sc.feats, row(h))
			}
		}
	}
}

// featureTexts lists the texts of the words and pairs that features
// hashes, for a test to check the hashing against.
func (sc *scratch) featureTexts() []string {
	sc.gramWords()
	var out []string
	var prev string
	from := int32(0)
	for i, end := range sc.gends {
		w := string(sc.gbuf[from:end])
		from = end
		out = append(out, w)
		if i > 0 {
			out = append(out, prev+" "+w)
		}
		prev = w
	}
	return out
}
