package sentiment

import (
	"math"
	"slices"
)

// The rules' findings about a text, in the order a model file's dense rows
// must follow. Together with the text's words and word pairs they are what a
// language's trained model reads.
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
}

const nDense = len(denseNames)

// Grams for what is not a word.
var (
	gramBreak    = []byte("|")
	gramEmojiPos = []byte("EMO+")
	gramEmojiNeg = []byte("EMO-")
	gramEmoji0   = []byte("EMO0")
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
		b2f(sc.digits > 0), emo,
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
// emoji as EMO+, EMO- or EMO0 by its valence's sign. A word a negator
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

// gramKey hashes a gram's text, "word" or "word word", as grams does: with
// 64-bit FNV-1a.
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

// grams collects the keys of the text's words and adjacent word pairs into
// sc.keys, sorted and without repeats, and returns the scale each present
// gram's feature takes: 1/sqrt of the number of grams in the text, so that
// long and short texts weigh alike.
func (sc *scratch) grams() float64 {
	sc.gramWords()
	sc.keys = sc.keys[:0]
	var prev uint64 // the hash of the previous word: a pair's hash goes on from it
	from := int32(0)
	for i, end := range sc.gends {
		w := sc.gbuf[from:end]
		from = end
		h := fnvAdd(fnvOffset, w)
		sc.keys = append(sc.keys, h)
		if i > 0 {
			sc.keys = append(sc.keys, fnvAdd((prev^' ')*fnvPrime, w))
		}
		prev = h
	}
	n := len(sc.keys)
	if n == 0 {
		return 0
	}
	slices.Sort(sc.keys)
	sc.keys = slices.Compact(sc.keys)
	return 1 / math.Sqrt(float64(n))
}

// gramTexts lists the texts of the grams that grams hashes, for a trainer
// to write out.
func (sc *scratch) gramTexts() []string {
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
