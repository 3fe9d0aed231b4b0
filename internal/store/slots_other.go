//go:build !unix

package store

func allocSlots(n int) ([]uint64, bool) { return make([]uint64, n), false }

func freeSlots([]uint64, bool) {}
