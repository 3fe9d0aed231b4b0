//go:build unix

package store

import (
	"syscall"
	"unsafe"
)

// mappedSlots is the size from which a table is mapped from the kernel
// rather than allocated on the Go heap.
const mappedSlots = 1 << 17 // 1 MiB

// allocSlots returns n zeroed slots, and whether they are an anonymous
// mapping outside the Go heap, which freeSlots must then unmap.
func allocSlots(n int) ([]uint64, bool) {
	if n < mappedSlots {
		return make([]uint64, n), false
	}
	b, err := syscall.Mmap(-1, 0, n*8, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return make([]uint64, n), false // the heap will do
	}
	adviseHugePages(b)
	return unsafe.Slice((*uint64)(unsafe.Pointer(&b[0])), n), true
}

func freeSlots(s []uint64, mapped bool) {
	if mapped {
		syscall.Munmap(unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*8))
	}
}
