//go:build linux && cgo

package store

/*
#include <malloc.h>

// Runs when the program loads: glibc fixes its arena limit when it first
// makes a second arena, before any Go init function could run.
__attribute__((constructor)) static void limitArenas(void) {
#ifdef M_ARENA_MAX
	mallopt(M_ARENA_MAX, 2);
#endif
}
*/
import "C"

// DuckDB's threads each take a glibc malloc arena of their own, and arenas
// fragment and rarely shrink. Two arenas (see limitArenas above) keep a large
// import's peak memory lower at the same speed.
