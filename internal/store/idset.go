package store

import (
	"hash/maphash"
	"math/bits"
)

// idSet is an open-addressing set of 64-bit message-id hashes. A Go map of
// ten million ids costs several hundred megabytes; this costs 9-10 bytes each.
// Zero marks an empty slot, so a hash of zero is stored as one.
//
// A large table lives outside the Go heap (see slots_unix.go): it holds no
// pointers, so the collector need not see it, and on the heap it would raise
// the collector's target by half its size again.
type idSet struct {
	slots  []uint64
	mapped bool // slots must be unmapped, not left to the collector
	n      int
	seed   maphash.Seed
	// touched holds what prefetch read; nothing reads it.
	touched uint64
}

// A set grows when more than maxLoad (7/8) of its slots are taken: linear
// probing is still short there (a miss reads ~32 slots, four cache lines, at
// the very end), and ten million ids take 85 MB instead of the 100 of 4/5.
const maxLoadNum, maxLoadDen = 7, 8

// slotsFor is the table size that holds n hashes at the maximum load.
func slotsFor(n int) int { return n * maxLoadDen / maxLoadNum }

func newIDSet(capacity int) *idSet {
	s := &idSet{seed: maphash.MakeSeed()}
	s.slots, s.mapped = allocSlots(max(1024, slotsFor(capacity)))
	return s
}

// release returns the table's memory; the set must not be used after.
func (s *idSet) release() {
	freeSlots(s.slots, s.mapped)
	s.slots, s.mapped, s.n = nil, false, 0
}

// hash identifies a message within the whole store.
func (s *idSet) hash(workspace, messageID string) uint64 {
	var h maphash.Hash
	h.SetSeed(s.seed)
	h.WriteString(workspace)
	h.WriteByte(0)
	h.WriteString(messageID)
	if v := h.Sum64(); v != 0 {
		return v
	}
	return 1
}

func (s *idSet) index(h uint64) int {
	hi, _ := bits.Mul64(h, uint64(len(s.slots)))
	return int(hi)
}

func (s *idSet) has(h uint64) bool {
	for i := s.index(h); ; i++ {
		if i == len(s.slots) {
			i = 0
		}
		switch s.slots[i] {
		case h:
			return true
		case 0:
			return false
		}
	}
}

// prefetch reads the first slot of each hash before has or add needs it.
// A large set lives in main memory, and a probe that waits for its cache
// line costs more than the rest of a message's deduplication; loads that do
// not depend on each other are in flight together, so reading them all in
// one tight loop pays that wait once per batch rather than once per message.
func (s *idSet) prefetch(hs []uint64) {
	var x uint64
	for _, h := range hs {
		x ^= s.slots[s.index(h)]
	}
	s.touched = x // kept, so the compiler keeps the loads
}

// add inserts h; it reports false when h was already there.
func (s *idSet) add(h uint64) bool {
	if (s.n+1)*maxLoadDen > len(s.slots)*maxLoadNum {
		s.grow()
	}
	for i := s.index(h); ; i++ {
		if i == len(s.slots) {
			i = 0
		}
		switch s.slots[i] {
		case h:
			return false
		case 0:
			s.slots[i] = h
			s.n++
			return true
		}
	}
}

// addSet adds every hash of o, a run of slots at a time so that prefetch
// brings in each run's slots of s together.
func (s *idSet) addSet(o *idSet) {
	const run = 512
	for i := 0; i < len(o.slots); i += run {
		part := o.slots[i:min(i+run, len(o.slots))]
		s.prefetch(part)
		for _, h := range part {
			if h != 0 {
				s.add(h)
			}
		}
	}
}

func (s *idSet) grow() { s.resize(len(s.slots) * 3 / 2) }

// reserve makes room for n more hashes at once, so that a large load does
// not hold an old and a new table at every step of its growth.
func (s *idSet) reserve(n int) {
	if want := slotsFor(s.n + n); want > len(s.slots) {
		s.resize(want)
	}
}

func (s *idSet) resize(slots int) {
	old, oldMapped := s.slots, s.mapped
	s.slots, s.mapped = allocSlots(slots)
	s.n = 0
	for _, h := range old {
		if h != 0 {
			s.add(h)
		}
	}
	freeSlots(old, oldMapped)
}
